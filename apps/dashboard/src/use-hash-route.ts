import { useEffect, useState } from 'react';

export type Route =
  | { page: 'jobs'; id?: string }
  | { page: 'versions'; id?: string }
  | { page: 'compare'; ids: [string, string] }
  | { page: 'datasets' }
  | { page: 'edge' };

/**
 * Hash routes (#/jobs/<id>, #/versions/<id>, #/compare/<id>/<id>, #/datasets, #/edge): one
 * index.html serves them all.
 */
export function parseRoute(hash: string): Route {
  const [page, id, other] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'compare' && id && other) return { page, ids: [id, other] };
  if (page === 'versions') return { page, id: id || undefined };
  if (page === 'datasets' || page === 'edge') return { page };
  return { page: 'jobs', id: page === 'jobs' ? id || undefined : undefined };
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
