//! A whole app under test for the safety suites (issue 10): its own HOME and XDG folders, a vault created through
//! the app's own IPC, canaries put into a case, and checks that look for them in the page and on disk.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::{app_binary, testid, wait_for, Error, TauriDriver, STEP};

/// Strong enough for the core's check.
pub const PASSPHRASE: &str = "lantern orchard velvet compass drizzle";

/// Options for one app under test.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Written to settings.json before start: the idle lock's time.
    pub idle_seconds: Option<u64>,
    /// `LANG`/`LANGUAGE` for the app (Spanish screens with `es_ES.UTF-8`).
    pub lang: Option<&'static str>,
    /// Another binary (the installed package).
    pub app: Option<PathBuf>,
    /// Leave `CIRCLEBOOK_VAULT` unset so the app uses its default folder under the temp HOME.
    pub default_vault_dir: bool,
    /// More environment for the app (e.g. `DBUS_SYSTEM_BUS_ADDRESS` of a private bus with a fake logind).
    pub env: Vec<(&'static str, OsString)>,
}

/// One WebDriver session at a time: `cargo test --workspace` runs a binary's tests on parallel threads.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The app, its WebDriver session and its folders.
#[derive(Debug)]
pub struct AppUnderTest {
    pub client: Client,
    pub driver: TauriDriver,
    pub home: tempfile::TempDir,
    pub vault: PathBuf,
    pub binary: PathBuf,
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl AppUnderTest {
    /// Starts the app with a fresh HOME; `vault` is reused when given (a second start on the same folders).
    pub async fn start(options: &Options) -> Result<Self, Error> {
        let home = tempfile::Builder::new().prefix("circlebook-e2e-").tempdir()?;
        Self::start_in(home, options).await
    }

    /// Starts the app on an existing HOME (one made by an earlier `start`, after `close`).
    // Holding the turn across awaits is the point: it serializes whole tests, each on its own runtime's thread,
    // and a test waiting for its turn blocks only its own thread.
    #[allow(clippy::await_holding_lock)]
    pub async fn start_in(home: tempfile::TempDir, options: &Options) -> Result<Self, Error> {
        let vault = if options.default_vault_dir {
            home.path().join("data/circlebook/vault")
        } else {
            home.path().join("vault")
        };
        std::fs::create_dir_all(&vault)?;
        for dir in ["data", "config", "cache", "state", "runtime"] {
            std::fs::create_dir_all(home.path().join(dir))?;
        }
        if let Some(seconds) = options.idle_seconds {
            let dir = home.path().join("config/circlebook");
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("settings.json"), format!("{{\"idle_lock_seconds\": {seconds}}}"))?;
        }
        let mut env: Vec<(&str, OsString)> = vec![
            ("XDG_DATA_HOME", home.path().join("data").into()),
            ("XDG_CONFIG_HOME", home.path().join("config").into()),
            ("XDG_CACHE_HOME", home.path().join("cache").into()),
            ("XDG_STATE_HOME", home.path().join("state").into()),
        ];
        if !options.default_vault_dir {
            env.push(("CIRCLEBOOK_VAULT", vault.clone().into()));
        }
        if let Some(lang) = options.lang {
            env.push(("LANG", lang.into()));
            env.push(("LANGUAGE", lang.split('_').next().unwrap_or(lang).into()));
        }
        env.extend(options.env.iter().cloned());
        let binary = options.app.clone().unwrap_or_else(app_binary);
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let driver = TauriDriver::start(&env)?;
        let client = driver.session(&binary).await?;
        Ok(Self { client, driver, home, vault, binary, _turn: turn })
    }

    /// Creates the vault through the app's IPC and reloads, as if the person had gone through the screens.
    /// Returns the recovery key.
    pub async fn create_vault(&self) -> Result<String, Error> {
        wait_for(&self.client, "create-screen").await?;
        let created = self.invoke("create_vault", serde_json::json!({ "passphrase": PASSPHRASE })).await?;
        let key = created["ok"]["recovery_key"].as_str().ok_or_else(|| format!("create_vault: {created}"))?.to_owned();
        self.client.execute("location.reload()", Vec::new()).await?;
        wait_for(&self.client, "home-screen").await?;
        Ok(key)
    }

    /// Calls one of the app's commands from the page; returns `{ok}` or `{error}`.
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> Result<serde_json::Value, Error> {
        let script = "const [command, args, done] = arguments; \
            window.__TAURI_INTERNALS__.invoke(command, args) \
              .then((ok) => done({ ok: ok ?? null }), (error) => done({ error }));";
        Ok(self.client.execute_async(script, vec![serde_json::json!(command), args]).await?)
    }

    /// Calls a registry operation, as the UI's generated bindings do.
    pub async fn op(&self, name: &str, args: serde_json::Value) -> Result<serde_json::Value, Error> {
        self.invoke("call", serde_json::json!({ "name": name, "args": args })).await
    }

    /// The app's process id: the process running our binary whose environment names our config folder.
    pub fn pid(&self) -> Option<u32> {
        let wanted = format!("XDG_CONFIG_HOME={}", self.home.path().join("config").display());
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let exe = std::fs::read_link(entry.path().join("exe")).ok();
            if exe.as_deref() != Some(self.binary.as_path()) && !exe.is_some_and(|e| e.ends_with("circlebook")) {
                continue;
            }
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            if environ.split(|b| *b == 0).any(|var| var == wanted.as_bytes()) {
                return Some(pid);
            }
        }
        None
    }

    /// Waits until the app's process has gone.
    pub async fn wait_for_exit(&self, pid: u32) -> Result<Duration, Error> {
        let start = Instant::now();
        while Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid) {
            if start.elapsed() > STEP {
                return Err(format!("the app (pid {pid}) did not exit within {STEP:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(start.elapsed())
    }

    /// Ends the WebDriver session (which closes the app) and tauri-driver; keeps the folders.
    #[allow(clippy::await_holding_lock)]
    pub async fn close(self) -> Result<tempfile::TempDir, Error> {
        let Self { client, driver, home, _turn, .. } = self;
        let _ = client.close().await;
        drop(driver);
        drop(_turn);
        Ok(home)
    }
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')))
        .unwrap_or(true)
}

/// Case text with a marker no other run shares.
#[derive(Debug, Clone)]
pub struct Canaries {
    pub words: Vec<String>,
}

impl Canaries {
    pub fn new(tag: &str) -> Self {
        let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let words = ["codename", "needs", "alias", "note", "typed"]
            .iter()
            .map(|field| format!("Canary{tag}{field}{nonce:x}"))
            .collect();
        Self { words }
    }

    /// Puts the canaries into a case through the registry, and into the page as careless screens might: shown in
    /// the DOM, kept in a global, typed into a field, and, with `storage`, in local and session storage and in
    /// IndexedDB (the lock tests). The plaintext-at-rest tests plant without storage: under WebDriver the webview has
    /// a throwaway storage folder (WebKitGTK cannot drive an incognito one), and they look for what the app and
    /// the webview write by themselves.
    pub async fn plant(&self, app: &AppUnderTest) -> Result<(), Error> {
        self.plant_with(app, true).await
    }

    /// As [`Canaries::plant`], choosing whether web storage gets canaries too.
    pub async fn plant_with(&self, app: &AppUnderTest, storage: bool) -> Result<(), Error> {
        let w = &self.words;
        let case = app.op("create_case", serde_json::json!({ "code_name": w[0], "harmed_needs": w[1] })).await?;
        let case_id = case["ok"]["id"].clone();
        assert!(case_id.is_string(), "create_case: {case}");
        let person = app
            .op("add_participant", serde_json::json!({ "case_id": case_id, "alias": w[2], "role": "person_harmed" }))
            .await?;
        assert!(person.get("ok").is_some(), "add_participant: {person}");
        let listed = app.op("list_cases", serde_json::json!({})).await?;
        assert!(listed.to_string().contains(&w[0]), "the case is listed: {listed}");
        let script = "const [cases, typed, storage, done] = arguments; \
            window.__lastCases = cases; \
            const shown = document.createElement('p'); shown.textContent = JSON.stringify(cases); \
            shown.dataset.testid = 'planted'; document.body.appendChild(shown); \
            const input = document.createElement('input'); input.value = typed; document.body.appendChild(input); \
            if (!storage) { done(true); return; } \
            localStorage.setItem('cases', JSON.stringify(cases)); sessionStorage.setItem('typed', typed); \
            const open = indexedDB.open('circlebook-canary', 1); \
            open.onupgradeneeded = () => open.result.createObjectStore('notes'); \
            open.onsuccess = () => { const tx = open.result.transaction('notes', 'readwrite'); \
              tx.objectStore('notes').put(typed, 'k'); tx.oncomplete = () => { open.result.close(); done(true); }; \
              tx.onerror = () => done(false); }; \
            open.onerror = () => done(false);";
        let planted = app
            .client
            .execute_async(script, vec![listed["ok"].clone(), serde_json::json!(w[4]), serde_json::json!(storage)])
            .await?;
        assert_eq!(planted, serde_json::json!(true), "IndexedDB took the canary");
        assert!(self.found_in_page(app).await?.is_some(), "the planted canaries are visible to the page scan");
        Ok(())
    }

    /// Looks through the DOM, web storage, IndexedDB and the page's own global objects; names where a canary is.
    pub async fn found_in_page(&self, app: &AppUnderTest) -> Result<Option<String>, Error> {
        let script = "const [words, done] = arguments; \
            const found = []; \
            const check = (where, text) => { for (const w of words) if (String(text).includes(w)) found.push(where); }; \
            check('dom', document.documentElement.outerHTML); \
            for (const input of document.querySelectorAll('input, textarea')) check('input value', input.value); \
            for (const store of [localStorage, sessionStorage]) \
              for (let i = 0; i < store.length; i++) check('storage', store.key(i) + store.getItem(store.key(i))); \
            const seen = new WeakSet(); \
            const walk = (value, depth, where) => { \
              if (depth > 4 || value === null || value === undefined) return; \
              if (typeof value === 'string') { check(where, value); return; } \
              if (typeof value !== 'object' && typeof value !== 'function') return; \
              if (seen.has(value) || value === window || value instanceof Node) return; seen.add(value); \
              let names = []; try { names = Object.getOwnPropertyNames(value); } catch (e) { return; } \
              for (const name of names) { let v; try { v = value[name]; } catch (e) { continue; } walk(v, depth + 1, where + '.' + name); } }; \
            for (const name of Object.getOwnPropertyNames(window)) { \
              if (name === 'document' || name === 'window' || name === 'self' || name === 'top' || name === 'parent' || name === 'frames') continue; \
              let v; try { v = window[name]; } catch (e) { continue; } walk(v, 0, 'window.' + name); } \
            const finish = () => done(found.length ? found.slice(0, 5).join(', ') : null); \
            if (!indexedDB.databases) { finish(); return; } \
            indexedDB.databases().then((dbs) => { \
              if (dbs.length) found.push('indexeddb: ' + dbs.map((d) => d.name).join(' ')); finish(); }, finish);";
        let found = app.client.execute_async(script, vec![serde_json::json!(self.words)]).await?;
        Ok(found.as_str().map(str::to_owned))
    }

    /// After a lock: the page must start afresh with no canary anywhere it can reach (web storage is cleared
    /// asynchronously, so this polls for a while before failing).
    pub async fn assert_gone_from_page(&self, app: &AppUnderTest) -> Result<(), Error> {
        let start = Instant::now();
        loop {
            let found = self.found_in_page(app).await?;
            match found {
                None => return Ok(()),
                Some(place) if start.elapsed() > Duration::from_secs(10) => {
                    return Err(format!("after locking, a canary is still in the page: {place}").into())
                }
                Some(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Plaintext at rest: no canary in any file under `roots` (symlinks not followed, large files skipped).
    pub fn assert_not_on_disk(&self, roots: &[PathBuf]) -> Result<usize, Error> {
        let finders: Vec<memchr::memmem::Finder<'_>> =
            self.words.iter().map(|w| memchr::memmem::Finder::new(w.as_bytes())).collect();
        let mut stack: Vec<PathBuf> = roots.to_vec();
        let mut files = 0;
        while let Some(path) = stack.pop() {
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if let Ok(entries) = std::fs::read_dir(&path) {
                    stack.extend(entries.flatten().map(|e| e.path()));
                }
                continue;
            }
            if !meta.is_file() || meta.len() > 64 << 20 {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            files += 1;
            for finder in &finders {
                assert!(finder.find(&bytes).is_none(), "a canary is in plaintext on disk: {}", path.display());
            }
        }
        Ok(files)
    }
}

/// Waits until the element is gone or the unlock screen shows (after a page reset).
pub async fn wait_for_unlock_screen(client: &Client) -> Result<Duration, Error> {
    let start = Instant::now();
    loop {
        if client.find(Locator::Css(&testid("unlock-screen"))).await.is_ok() {
            return Ok(start.elapsed());
        }
        if start.elapsed() > STEP {
            return Err("the unlock screen did not appear".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the CLI built beside the app on `vault` with the passphrase; returns stdout. Its high-water marks go where
/// the app under test keeps its own (`state/circlebook` in the test's HOME, the app's `XDG_STATE_HOME`), not to the
/// real `~/.local/state`, which collected one for every vault a test ever made.
pub fn cli(vault: &Path, passphrase: &str, args: &[&str]) -> Result<String, Error> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let binary =
        std::env::var_os("CIRCLEBOOK_CLI").map(PathBuf::from).unwrap_or_else(|| target.join("debug/circlebook-cli"));
    let out = std::process::Command::new(binary)
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("CIRCLEBOOK_PASSPHRASE", passphrase)
        .env("CIRCLEBOOK_STATE_DIR", state_dir_beside(vault))
        .output()?;
    if !out.status.success() {
        return Err(format!("circlebook-cli {args:?} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// The app's state folder in the test HOME that holds `vault`: `HOME/vault` or, with `default_vault_dir`,
/// `HOME/data/circlebook/vault`; either way `HOME/state/circlebook`.
fn state_dir_beside(vault: &Path) -> PathBuf {
    let default_layout = vault.ends_with("data/circlebook/vault");
    let home = vault.ancestors().nth(if default_layout { 3 } else { 1 }).unwrap_or(vault);
    home.join("state/circlebook")
}
