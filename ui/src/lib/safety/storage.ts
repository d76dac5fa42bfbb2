// Circlebook's pages keep nothing in web storage. Each page start (and so every lock, which starts the page
// again) empties local and session storage and deletes any IndexedDB database, in case a screen ever wrote one.
export function forgetWebStorage(): void {
  try {
    localStorage.clear();
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
