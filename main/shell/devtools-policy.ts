/**
 * DevTools exist in development builds only (`npm start`, an unpacked app). A packaged release
 * has no switch that turns them on: the VIGIL_DEVTOOLS=1 escape hatch that once opened them in
 * packaged builds (issue 15 item 8) is gone, and the environment is deliberately not an input.
 */
export function devToolsAllowed(isPackaged: boolean): boolean {
  return !isPackaged;
}
