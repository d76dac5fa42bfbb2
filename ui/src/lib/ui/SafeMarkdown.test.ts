// Notes render as text: no element, handler or address from a payload survives into the DOM (issue 9, XSS).
import { afterEach, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import SafeMarkdown from './SafeMarkdown.svelte';

afterEach(() => cleanup());

const payloads = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss=1">',
  '[click](javascript:window.__xss=1)',
  '![x](javascript:alert(1))',
  '<a href="javascript:alert(1)">a</a>',
  '<svg onload="window.__xss=1"></svg>',
  '<iframe src="https://example.com"></iframe>',
];

it('keeps every payload inert', () => {
  for (const md of payloads) {
    const { container } = render(SafeMarkdown, { md });
    expect(container.querySelector('script, img, iframe, svg, a, [onerror], [onload]')).toBeNull();
    expect(container.querySelector('[href], [src], [onclick]')).toBeNull();
    cleanup();
  }
  expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
});

it('still renders emphasis and lists', () => {
  const { container } = render(SafeMarkdown, { md: '*calm* and\n\n- one\n- two' });
  expect(container.querySelector('em')?.textContent).toBe('calm');
  expect(container.querySelectorAll('li')).toHaveLength(2);
});
