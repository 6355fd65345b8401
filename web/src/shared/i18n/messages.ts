/**
 * Catalogue helpers. Each surface keeps its own namespace (`kiosk/messages.ts`, …) with an
 * English catalogue and a French one typed from it, so a missing French key does not
 * compile, and `i18n.test.ts` checks the same at run time for every namespace.
 */
export type Catalogue = { readonly [key: string]: string | Catalogue };

/** Same keys as `T`, every leaf a string: what a translation of `T` must provide. */
export type Translation<T> = {
  readonly [K in keyof T]: T[K] extends string ? string : Translation<T[K]>;
};

export interface Namespace<T extends Catalogue = Catalogue> {
  readonly en: T;
  readonly fr: Translation<T>;
}

export const languages = ['en', 'fr'] as const;
export type Language = (typeof languages)[number];

export const isLanguage = (value: unknown): value is Language => value === 'en' || value === 'fr';
