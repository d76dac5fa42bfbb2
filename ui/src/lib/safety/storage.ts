// Circlebook's pages keep nothing in web storage but the chosen language (a setting, never case data; the
// webview is incognito, so even that stays in memory). Each page start (and so every lock, which starts the
// page again) empties the rest of local and session storage and deletes any IndexedDB database, in case a
// screen ever wrote one.
const KEPT = ['circlebook.language'];

export function forgetWebStorage(): void {
  try {
    const kept = KEPT.map((key) => [key, localStorage.getItem(key)] as const);
    localStorage.clear();
    for (const [key, value] of kept) if (value !== null) localStorage.setItem(key, value);
    sessionStorage.clear();
  } catch {
    // Storage may be unavailable; then there is nothing in it either.
  }
  if (typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function') {
    indexedDB.databases().then(
      (databases) => {
        for (const database of databases) if (database.name) indexedDB.deleteDatabase(database.name);
      },
      () => undefined,
    );
  }
}
