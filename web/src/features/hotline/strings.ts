/** UI strings of the hotline console (zh-CN default, English), added to the app's i18n under `hotline`. */
import i18n from '../../app/i18n';

const zh = {
  title: '热线受理',
  shortcut: 'Ctrl+Enter 登记',
  placeRequired: '请选择地点',
  answeredOnCall: '当场答复',
  closedOnCall: '（已直接办结）',
  created: '已登记：{{number}}',
  phone: '来电号码',
  name: '称呼',
  earlier: '该来电人此前反映过 {{count}} 件',
  category: '诉求类别',
  place: '地点',
  landmark: '地标',
  placeHint: '输入地名、小区、地标，或在地图上点选',
  description: '诉求内容',
  duplicates: '附近已有同类在办案件，可能重复',
  metres: '{{metres}} 米',
  register: '登记派单',
  closeOnCall: '咨询已答复，直接办结',
  clear: '清空',
  knowledge: '知识库',
  reviewDue: '待复核',
  answerSource: '（{{unit}}，复核 {{on}}）',
  mapPoint: '地图点选',
};

const en: typeof zh = {
  title: 'Hotline intake',
  shortcut: 'Ctrl+Enter registers',
  placeRequired: 'Choose the place',
  answeredOnCall: 'Answered on the call',
  closedOnCall: ' (closed on the call)',
  created: 'Registered: {{number}}',
  phone: 'Caller number',
  name: 'Name',
  earlier: 'This caller has reported {{count}} case(s) before',
  category: 'Request category',
  place: 'Place',
  landmark: 'landmark',
  placeHint: 'Type a place, estate or landmark, or click the map',
  description: 'What the caller says',
  duplicates: 'Similar open cases nearby: possibly a duplicate',
  metres: '{{metres}} m',
  register: 'Register and dispatch',
  closeOnCall: 'Answered: close now',
  clear: 'Clear',
  knowledge: 'Knowledge base',
  reviewDue: 'Review due',
  answerSource: ' ({{unit}}, review {{on}})',
  mapPoint: 'Point on the map',
};

i18n.addResourceBundle('zh-CN', 'translation', { hotline: zh }, true, false);
i18n.addResourceBundle('en', 'translation', { hotline: en }, true, false);

export const HOTLINE_STRINGS = { zh, en };
