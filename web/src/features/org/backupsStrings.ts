/** UI strings of the backups screen (zh-CN default, English), added under `backups`. */
import i18n from '../../app/i18n';

const zh = {
  explain:
    '备份是某一时刻全部数据和上传文件的一致快照，制作期间系统照常服务。备份文件保存在服务器数据目录的 backups 下；请下载后另地保存。恢复：停止服务后运行 wangge restore 文件名。',
  make: '立即备份',
  name: '备份文件',
  size: '大小',
  created: '制作时间',
  download: '下载',
};
const en: typeof zh = {
  explain:
    'A backup is one consistent moment of all data and uploaded files, made while the server keeps serving. Archives stay under backups/ in the data directory; download them and keep them elsewhere. To restore: stop the server, then run wangge restore FILE.',
  make: 'Back up now',
  name: 'Archive',
  size: 'Size',
  created: 'Made at',
  download: 'Download',
};
i18n.addResourceBundle('zh-CN', 'translation', { backups: zh }, true, false);
i18n.addResourceBundle('en', 'translation', { backups: en }, true, false);
