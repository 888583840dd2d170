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
  file_too_large: '文件超过上传大小限制',
  file_empty: '文件为空',
  file_type: '文件类型不支持（按内容识别），请上传 JPEG、PNG、WebP 图片或 PDF',
  file_corrupt: '图片已损坏，无法读取',
  file_not_found: '文件不存在',
  multipart_required: '请以 multipart/form-data 方式上传文件',
  unknown_category: '案件类别不存在或已停用',
  category_not_found: '案件类别不存在',
  category_code: '类别编码应为 类型.大类小类',
  xlsx_unreadable: '不是有效的 XLSX 工作簿',
  xlsx_empty: '工作簿中没有类别数据',
  xlsx_row: '工作簿第 {row} 行数据不正确（{problem}），未导入任何数据',
  unknown_grid: '网格不存在',
  unknown_attachment: '附件尚未上传',
  case_not_found: '案件不存在或不在您的管辖范围内',
  version_conflict: '案件已被他人更新，请刷新后重试',
  idempotency_key_reused: '该幂等键已用于另一个请求',
  wrong_state: '案件当前状态下不能执行此操作',
  not_assigned_unit: '只有承办单位可以执行此操作',
  forced_no_return: '强制派遣的案件不能退单',
  extension_pending: '已有延期申请等待审批',
  no_extension_request: '没有待审批的延期申请',
  check_required: '须经核查通过后才能结案',
  close_needs_feedback: '只有已反馈的案件才能结案',
  operator_requests_only: '受理员只能处理热线诉求',
  not_overdue: '案件未超时，不能升级',
  whistle_active: '该案件已经吹哨',
  street_only: '只有属地街道可以吹哨和评价报到单位',
  not_summoned: '本单位未被吹哨召集',
  already_reported: '本单位已报到',
  already_rated: '该案件已评价',
  reason_required: '请填写原因',
  reason_code: '请选择退单原因',
  reason_text: '请说明退单理由',
  note_required: '请填写说明',
  evidence_required: '请上传至少一张照片或一份材料作为处置凭证',
  petition_extension_cap: '信访事项延期累计不得超过30日',
  answered_on_call: '只有当场答复的咨询可以直接办结',
  merge_target: '合并目标案件不存在、不在管辖范围内或已结束',
  merge_into_self: '案件不能合并到自身',
  no_suggested_unit: '没有匹配的职责单位，请手动选择派遣单位',
  unit_required: '请选择单位',
  units_required: '请至少召集一个单位',
  lead_in_units: '牵头单位必须是被召集的单位之一',
  report_fields: '请填写报到人员和地点',
  unit_not_summoned: '只能评价被召集的单位',
  score: '评分为 1 到 5 的整数',
  rating: '请选择满意、基本满意或不满意',
};

export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

/** The message for a code in the locale; English messages come from the error itself. */
/** The message in the caller's language; `{name}` in a Chinese message is filled from the error's details. */
export function localize(code: string, englishMessage: string, locale: Locale, details?: unknown): string {
  const message = locale === 'en' ? undefined : zh[code];
  if (!message) return englishMessage;
  const values = (details ?? {}) as Record<string, unknown>;
  return message.replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? String(values[key]) : m));
}
