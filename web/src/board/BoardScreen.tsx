import { useTranslation } from 'react-i18next';

export const BoardScreen = () => {
  const { t } = useTranslation('board');
  return <h1>{t('title')}</h1>;
};
