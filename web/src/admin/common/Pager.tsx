import { useTranslation } from 'react-i18next';
import { ProblemAlert } from './ProblemAlert';
import type { PagedList } from './use-paged-list';
import styles from './common.module.css';

/**
 * **Previous page** / **Next page** under a list, with the page number announced. Shown
 * only when there is more than one page.
 */
export const Pager = <T,>({
  list,
  label,
}: {
  readonly list: PagedList<T>;
  readonly label: string;
}) => {
  const { t } = useTranslation('admin');
  if (!list.hasNext && !list.hasPrevious) return null;
  return (
    <nav aria-label={label} className={styles.pager}>
      <button
        type="button"
        className={styles.secondary}
        disabled={!list.hasPrevious}
        onClick={list.previous}
      >
        {t('pager.previous')}
      </button>
      <p role="status" className={styles.pageNumber}>
        {t('pager.page', { number: list.pageNumber })}
      </p>
      <button
        type="button"
        className={styles.secondary}
        disabled={!list.hasNext || list.loadingNext}
        aria-busy={list.loadingNext}
        onClick={() => void list.next()}
      >
        {t('pager.next')}
      </button>
      {list.query.isFetchNextPageError && <ProblemAlert error={list.query.error} />}
    </nav>
  );
};

/**
 * What a list shows before or instead of rows: loading, a failure (with **Try again**), or
 * the empty state. Renders nothing once there are rows.
 */
export const ListState = <T,>({
  list,
  empty,
}: {
  readonly list: PagedList<T>;
  readonly empty: string;
}) => {
  const { t } = useTranslation('admin');
  const { query } = list;
  if (query.isPending) return <p aria-busy="true">{t('common:loading')}</p>;
  if (query.isError && !query.isFetchNextPageError) {
    return (
      <div className={styles.stack}>
        <ProblemAlert error={query.error} />
        <button type="button" className={styles.secondary} onClick={() => void query.refetch()}>
          {t('tryAgain')}
        </button>
      </div>
    );
  }
  if (list.items.length === 0) return <p className={styles.empty}>{empty}</p>;
  return null;
};

/** A polite live region that exists before its text does, so each change is announced. */
export const Notice = ({ text }: { readonly text: string | null }) => (
  <p role="status" className={text === null ? styles.noticeEmpty : styles.notice}>
    {text}
  </p>
);
