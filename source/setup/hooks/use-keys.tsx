import { useInput, type Key } from 'ink';
import { createContext, useCallback, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

interface Listener {
  handle: KeyHandler;
  isActive: boolean;
}

type Listeners = Set<{ current: Listener }>;

const ListenersContext = createContext<Listeners | undefined>(undefined);

/**
 * The wizard's one subscription to Ink's input, at its root: it hands every key to the handlers
 * mounted at that moment, as they were at the last render.
 *
 * Ink's own useInput attaches a handler, and replaces it after every render, in a passive effect,
 * which React runs after the frame is written (a macrotask later, or more when its time slice runs
 * out on a busy machine). Keys read in between went to the handler of the render before: Down then
 * Enter read together picked the item above the one shown, a key typed just as a screen appeared was
 * lost, `r` pressed just after the resumable run showed up was ignored. Handlers registered here are
 * attached and updated in layout effects, in the same synchronous commit that renders the frame, so
 * the next key always meets what the screen shows.
 */
export function KeyRouter({ children }: { children: ReactNode }) {
  const [listeners] = useState<Listeners>(() => new Set());
  const route = useCallback<KeyHandler>(
    (input, key) => {
      // A handler removed by an earlier handler's update (its screen left) does not get this key.
      for (const listener of [...listeners]) if (listeners.has(listener) && listener.current.isActive) listener.current.handle(input, key);
    },
    [listeners],
  );
  useInput(route);
  return <ListenersContext.Provider value={listeners}>{children}</ListenersContext.Provider>;
}

/** Ink's useInput, but always the handler of the last render, attached as soon as its screen shows. */
export function useKeys(handle: KeyHandler, options: { isActive?: boolean } = {}): void {
  const listeners = useContext(ListenersContext);
  if (!listeners) throw new Error('useKeys needs a <KeyRouter> above it');
  const listener = useRef<Listener>({ handle, isActive: options.isActive ?? true });
  useLayoutEffect(() => {
    listener.current = { handle, isActive: options.isActive ?? true };
  });
  useLayoutEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listeners]);
}
