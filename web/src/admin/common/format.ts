import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

const formatters = (language: string) => {
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const dateTimeSeconds = new Intl.DateTimeFormat(language, {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
  const day = new Intl.DateTimeFormat(language, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  return {
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    dateTimeSeconds: (iso: string) => dateTimeSeconds.format(new Date(iso)),
    /** A service day (`YYYY-MM-DD`, a calendar date, so read as UTC to keep its day). */
    day: (isoDay: string) => day.format(new Date(`${isoDay}T00:00:00Z`)),
    number: (value: number) => number.format(value),
  };
};

/**
 * Dates and numbers in the admin's language (the wire has ISO 8601 UTC; people do not).
 * The same object while the language stays, so effects may depend on it.
 */
export const useFormat = () => {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return useMemo(() => formatters(language), [language]);
};
