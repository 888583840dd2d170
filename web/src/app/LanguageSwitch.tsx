/** Switches the UI between zh-CN and English and remembers the choice. */
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import i18n, { LANG_KEY } from './i18n';

export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <Button
      type="link"
      onClick={() => {
        const next = i18n.language === 'en' ? 'zh-CN' : 'en';
        localStorage.setItem(LANG_KEY, next);
        void i18n.changeLanguage(next);
      }}
    >
      {t('app.language')}
    </Button>
  );
}
