import i18next from 'i18next';
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { storedLanguage } from '../shared/i18n/language';
import { isLanguage, type Language } from '../shared/i18n/messages';

/** A board's own remembered choice, apart from the device-wide one (docs/screens.md). */
export const BOARD_LANGUAGE_KEY = 'mq.lang.board';

/**
 * The language a board shows and speaks: `?lang=` in its address first (a clinic can pin
 * it in the TV's start page), then a choice made on the board itself, then the language
 * an administrator configured for it; null keeps whatever the app started with.
 */
export const boardLanguage = (
  search: string,
  chosenOnBoard: Language | null,
  configured: Language | null,
): Language | null => {
  const fromUrl = new URLSearchParams(search).get('lang');
  return isLanguage(fromUrl) ? fromUrl : (chosenOnBoard ?? configured);
};

/**
 * Applies `boardLanguage` when the board learns its configuration (or its address
 * changes) — and only then: a press on the board's language switch must stick.
 */
export const useBoardLanguage = (configured: Language | null): void => {
  const { search } = useLocation();
  useEffect(() => {
    const wanted = boardLanguage(search, storedLanguage(BOARD_LANGUAGE_KEY), configured);
    if (wanted !== null && wanted !== i18next.language) void i18next.changeLanguage(wanted);
  }, [search, configured]);
};
