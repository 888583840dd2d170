/** The part of autocannon's API the benches use (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      method?: 'GET' | 'POST';
      connections?: number;
      duration?: number;
      headers?: Record<string, string>;
      body?: string;
      /** Seconds before a request counts as timed out (default 10). */
      timeout?: number;
      requests?: {
        setupRequest?: (req: object) => object;
        /** Every answer's status and body (autocannon buffers the body only when this is given). */
        onResponse?: (status: number, body: string) => void;
      }[];
    }
    interface Result {
      requests: { average: number; total: number };
      latency: { p50: number; p99: number; average: number };
      non2xx: number;
      errors: number;
    }
  }
  function autocannon(opts: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
