/** UI strings of the citizen portal's publication notes (zh-CN default, English), under `portal`. */
import i18n from '../../app/i18n';

const zh = {
  publication: {
    none: '此类问题不对外公开；您可凭查询码查看办理进度。',
    status: '此类问题将公开类别和办理状态，不公开描述和联系方式。',
    text: '此类问题将公开类别、状态和描述（手机号、身份证号、邮箱会自动遮挡）；请勿在描述中填写个人信息。',
  },
  precision: {
    exact: '公开时显示您所选的位置。',
    grid: '公开时位置只显示到所在网格的中心。',
  },
  reply: '答复：{{reply}}',
};

const en = {
  publication: {
    none: 'Reports of this kind are not published; you can follow yours with its tracking code.',
    status:
      'Reports of this kind are published with their category and status only, never the text or your contact.',
    text: 'Reports of this kind are published with their text (phone numbers, ID numbers and emails are masked); please leave personal details out of the description.',
  },
  precision: {
    exact: 'The place you pick is published as is.',
    grid: 'The place is published only as the centre of its grid.',
  },
  reply: 'Reply: {{reply}}',
};

i18n.addResourceBundle('zh-CN', 'translation', { portal: zh }, true, false);
i18n.addResourceBundle('en', 'translation', { portal: en }, true, false);
