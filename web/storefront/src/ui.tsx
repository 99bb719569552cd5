import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { navigations } from './router';
import { type Money, formatMoney } from './money';

export const Price = ({ value }: { value: Money }) => <span class="price">{formatMoney(value)}</span>;

export function Alert({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p class="alert" role="alert">
      {message}
    </p>
  );
}

/** A polite live region: status messages read out without moving focus. */
export const Status = ({ children }: { children?: ComponentChildren }) => (
  <p class="status" role="status" aria-live="polite">
    {children}
  </p>
);

/** The page's heading: sets the document title; focused after a client-side navigation. */
export function Title({ children, text }: { children?: ComponentChildren; text: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${text} · DBcarts`;
  }, [text]);
  useEffect(() => {
    // After a client-side navigation, focus goes to the new page's heading (screen readers announce it).
    if (navigations() > 0) ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children ?? text}
    </h1>
  );
}

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads once per `deps` change; `reload()` fetches again keeping the last data on screen. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Loading({ what }: { what: string }) {
  return <p class="muted">Loading {what}…</p>;
}

export const isNotFound = (e: unknown) => e instanceof ApiError && e.status === 404;
export const isUnauthorized = (e: unknown) => e instanceof ApiError && e.status === 401;

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
