import type { TargetConfig } from '../config/schema.js';

/**
 * An endpoint URL as it may be shown: origin and path only. Userinfo and the query are where
 * credentials ride (`https://user:pass@…`, `?code=<function key>`), and the fragment says nothing.
 */
export function endpointLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    // The schema only lets valid URLs through; anything else shows no part that could be secret.
    return 'invalid url';
  }
}

/** What a target is called in reports and summaries: its model, or its app's URL. */
export function targetLabel(cfg: TargetConfig): string {
  return cfg.type === 'http' ? endpointLabel(cfg.url) : cfg.model;
}
