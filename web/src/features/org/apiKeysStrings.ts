/** UI strings of the Open311 API keys screen (zh-CN default, English), added under `apiKeys`. */
import i18n from '../../app/i18n';

const zh = {
  explain:
    'Open311 接口密钥供津心办等外部系统提交诉求：只在 Open311 接口有效，不能登录或调用后台接口；只对所属辖区和环境有效。密钥只在创建或轮换时显示一次。',
  name: '名称',
  prefix: '密钥前缀',
  endpoint: '环境',
  endpoints: { production: '正式', test: '测试' },
  jurisdiction: '辖区（区划代码）',
  created: '创建时间',
  rotated: '上次轮换',
  lastUsed: '最近使用',
  rotate: '轮换',
  rotateConfirm: '轮换后旧密钥立即失效，确定吗？',
  revoke: '停用',
  revokeConfirm: '停用后该密钥立即失效，确定吗？',
  revoked: '已停用',
  shownOnce: '新密钥（只显示这一次）',
  copyNow: '请现在复制并交给对接系统；关闭后无法再次查看，只能再次轮换。',
};
const en: typeof zh = {
  explain:
    'Open311 API keys let partner systems (津心办 …) file requests: valid on Open311 only, never on the staff API, and only for their jurisdiction and endpoint. A key is shown once, when it is made or rotated.',
  name: 'Name',
  prefix: 'Key prefix',
  endpoint: 'Endpoint',
  endpoints: { production: 'production', test: 'test' },
  jurisdiction: 'Jurisdiction (district code)',
  created: 'Created',
  rotated: 'Last rotated',
  lastUsed: 'Last used',
  rotate: 'Rotate',
  rotateConfirm: 'The old key stops working at once. Rotate?',
  revoke: 'Revoke',
  revokeConfirm: 'The key stops working at once. Revoke?',
  revoked: 'revoked',
  shownOnce: 'New key (shown this once)',
  copyNow: 'Copy it now and give it to the partner system; it cannot be shown again, only rotated.',
};

i18n.addResourceBundle('zh-CN', 'translation', { apiKeys: zh }, true, false);
i18n.addResourceBundle('en', 'translation', { apiKeys: en }, true, false);
