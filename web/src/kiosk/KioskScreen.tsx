import { useTranslation } from 'react-i18next';

export const KioskScreen = () => {
  const { t } = useTranslation('kiosk');
  return <h1>{t('title')}</h1>;
};
