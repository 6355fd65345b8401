import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import { useState } from 'react';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** Rows per page: a screenful at 1440×900 without scrolling far. */
export const PAGE_SIZE = 25;

/**
 * A cursor-paged list shown one page at a time (**Next page**, **Previous page**). Pages
 * already seen stay in TanStack Query's cache, so going back asks nothing; invalidating the
 * key refetches every loaded page, so a row never shows a state the server no longer has.
 */
export const usePagedList = <T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
) => {
  // The page shown belongs to one query: new filters (a new key) start at page 1.
  const keyHash = JSON.stringify(queryKey);
  const [position, setPosition] = useState({ keyHash, index: 0 });
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const pages = query.data?.pages ?? [];
  const wanted = position.keyHash === keyHash ? position.index : 0;
  const index = Math.min(wanted, Math.max(pages.length - 1, 0));

  const next = async () => {
    if (index + 1 >= pages.length) {
      const result = await query.fetchNextPage();
      if (result.isFetchNextPageError) return;
    }
    setPosition({ keyHash, index: index + 1 });
  };

  return {
    query,
    items: pages[index]?.items ?? [],
    pageNumber: index + 1,
    hasPrevious: index > 0,
    hasNext: index < pages.length - 1 || query.hasNextPage,
    loadingNext: query.isFetchingNextPage,
    next,
    previous: () => setPosition({ keyHash, index: Math.max(index - 1, 0) }),
  };
};

export type PagedList<T> = ReturnType<typeof usePagedList<T>>;
