import { useEffect, useState, type RefObject } from 'react';

/**
 * Whether the element is (nearly) on screen. Charts scrolled out of view keep the data they last
 * drew instead of re-rendering with every update; they catch up when scrolled back.
 */
export function useOnScreen(ref: RefObject<Element | null>): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const observer = new IntersectionObserver(([entry]) => setVisible(entry?.isIntersecting ?? true), { rootMargin: '100px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return visible;
}
