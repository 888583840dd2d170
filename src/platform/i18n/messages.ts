/** Server-side messages in the product's two languages, keyed by error code. zh-CN is the default. */
export type Locale = 'zh-CN' | 'en';

const zh: Record<string, string> = {
  invalid_request: '请求内容不正确',
  invalid_json: '请求体不是有效的 JSON',
  body_too_large: '请求体过大',
  unsupported_media_type: '不支持的内容类型',
  not_found: '未找到',
  route_not_found: '没有这个接口',
  unauthenticated: '请先登录',
  invalid_credentials: '用户名或密码错误',
  account_locked: '登录失败次数过多，账号已临时锁定，请稍后再试',
  too_many_attempts: '尝试次数过多，请稍后再试',
  forbidden: '没有权限执行此操作',
  csrf_failed: '请求缺少有效的 CSRF 令牌，请刷新页面后重试',
  area_not_found: '区域不存在或不在您的管辖范围内',
  outside_grids: '该位置不在任何网格内',
  outside_china: '坐标不在中国境内，请检查经纬度顺序和坐标系',
  unit_not_found: '单位不存在或不在您的管辖范围内',
  user_not_found: '用户不存在或不在您的管辖范围内',
  rule_not_found: '职责规则不存在',
  token_not_found: '令牌不存在',
  duplicate: '编码或名称已存在',
  scope_outside: '超出您的管辖范围',
  invalid_geojson: '网格文件校验未通过，未导入任何数据',
  internal: '服务器内部错误，请稍后再试',
};

export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

/** The message for a code in the locale; English messages come from the error itself. */
export function localize(code: string, englishMessage: string, locale: Locale): string {
  return locale === 'en' ? englishMessage : (zh[code] ?? englishMessage);
}
