/**
 * SMS to the people on duty (值班短信). The module speaks to an `SmsSender`; `server.ts` chooses which one.
 * The development sender only logs, so a real gateway (运营商短信网关) is plugged in at composition without
 * touching the module. Messages go after the change that caused them has committed, and a failing gateway
 * never undoes it: the in-app notice is already there.
 */

export interface SmsMessage {
  /** The duty phone (值班电话) as rostered. */
  to: string;
  text: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** Logs each message instead of sending it; `sent` keeps them for a developer (and a test) to see. */
export class LoggingSmsSender implements SmsSender {
  readonly sent: SmsMessage[] = [];

  constructor(private readonly log: (line: string) => void = () => {}) {}

  async send(message: SmsMessage): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.shift();
    this.log(`sms (development, not sent) to ${message.to}: ${message.text}`);
  }
}
