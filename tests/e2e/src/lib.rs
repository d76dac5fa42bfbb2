//! Support for the end-to-end tests: tauri-driver in its own process group, a WebDriver session on the built
//! app, waits that poll instead of sleeping, and screenshots for a person to look at.

use std::ffi::OsString;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub mod harness;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// How long any one step may take: creation and unlocking run scrypt (about a second each on a quiet machine).
pub const STEP: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(100);

/// A boxed error for test plumbing.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Fails with a clear message when there is no X display (tauri-driver would hang without one).
pub fn require_display() {
    match std::env::var_os("DISPLAY") {
        Some(display) if !display.is_empty() => {}
        _ => panic!(
            "DISPLAY is not set: the end-to-end test needs an X server. Run it through scripts/e2e.sh, \
             or as `xvfb-run -a -s \"-screen 0 1280x1024x24\" cargo test --workspace`"
        ),
    }
}

/// The workspace's `target/` folder (or `CARGO_TARGET_DIR`).
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

/// The debug build of the app; `cargo build --workspace` makes it.
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("CIRCLEBOOK_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug").join("circlebook"));
    assert!(path.is_file(), "{} is missing: build the app first with `cargo build --workspace`", path.display());
    path
}

fn tauri_driver_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    match cargo_home.map(|home| home.join("bin/tauri-driver")) {
        Some(path) if path.is_file() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

/// A port nobody listens on right now (other engineers may run this suite on the same machine).
/// Two distinct free ports: both listeners are held until both are chosen, so the system cannot hand out the same
/// port twice (tauri-driver and WebKitWebDriver on one port fail the session with a dropped connection).
fn free_ports() -> std::io::Result<(u16, u16)> {
    let first = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let second = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok((first.local_addr()?.port(), second.local_addr()?.port()))
}

/// The right to run a WebDriver session: one at a time on this machine, across the threads of a test binary (libtest
/// runs a binary's tests in parallel) and across processes (another checkout's suite). An exclusive `flock` on a file
/// in the temp folder, held until the value is dropped (closing the file releases it, even after a panic or a kill).
#[derive(Debug)]
struct SessionLock(#[allow(dead_code)] std::fs::File);

impl SessionLock {
    fn acquire() -> Result<Self, Error> {
        let path = std::env::temp_dir().join("circlebook-e2e-webdriver.lock");
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| format!("could not lock {} ({e})", path.display()))?;
        Ok(Self(file))
    }
}

/// tauri-driver (and the WebKitWebDriver and app it starts) in a process group of its own;
/// dropping it, on success or panic, kills the whole group so nothing is orphaned, then lets the next test's driver
/// start (the session lock is a field, so it is released only after `drop` has killed the group).
#[derive(Debug)]
pub struct TauriDriver {
    child: Child,
    port: u16,
    _session: SessionLock,
}

impl TauriDriver {
    /// Starts tauri-driver with `env` added to its environment, which it passes on to the app.
    pub fn start(env: &[(&str, OsString)]) -> Result<Self, Error> {
        use std::os::unix::process::CommandExt;

        let session = SessionLock::acquire()?;
        let (port, native_port) = free_ports()?;
        let native_driver =
            which("WebKitWebDriver").ok_or("WebKitWebDriver is not installed (apt-get install webkit2gtk-driver)")?;
        let mut command = Command::new(tauri_driver_binary());
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .arg("--native-driver")
            .arg(native_driver)
            .stdin(Stdio::null())
            .process_group(0);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().map_err(|e| {
            format!("tauri-driver could not be started ({e}); install it with `cargo install tauri-driver --locked`")
        })?;
        let driver = Self { child, port, _session: session };
        // tauri-driver starts WebKitWebDriver itself: a session asked for before both listen can be dropped.
        driver.wait_until_listening(port)?;
        driver.wait_until_listening(native_port)?;
        Ok(driver)
    }

    fn wait_until_listening(&self, port: u16) -> Result<(), Error> {
        let start = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if start.elapsed() > STEP {
                return Err(
                    format!("tauri-driver or WebKitWebDriver did not listen on port {port} within {STEP:?}").into()
                );
            }
            std::thread::sleep(POLL);
        }
        Ok(())
    }

    /// The process group of tauri-driver, WebKitWebDriver, the app and WebKit's processes (for `/proc` readings).
    pub fn group(&self) -> i32 {
        self.child.id() as i32
    }

    /// Opens a WebDriver session, which launches `app`.
    pub async fn session(&self, app: &Path) -> Result<Client, Error> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), serde_json::json!("wry"));
        capabilities.insert("tauri:options".into(), serde_json::json!({ "application": app }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?;
        Ok(client)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let group = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        let _ = self.child.wait();
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(name)).find(|path| path.is_file())
}

/// The CSS locator of a `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Waits for the element with this `data-testid` to appear.
pub async fn wait_for(client: &Client, id: &str) -> Result<Element, Error> {
    find_within_step(client, &testid(id)).await.map_err(|e| format!("{id} did not appear within {STEP:?}: {e}").into())
}

/// Polls for an element matching `css` until [`STEP`] is up. Any error is retried, not only "no such element": a
/// page that reloads (the lock, a restored backup, `location.replace`) fails a search in flight with "Callback
/// was not called before the unload event", which says nothing about the page to come. The last error is returned.
pub async fn find_within_step(client: &Client, css: &str) -> Result<Element, fantoccini::error::CmdError> {
    let start = Instant::now();
    loop {
        match client.find(Locator::Css(css)).await {
            Ok(element) => return Ok(element),
            Err(e) if start.elapsed() > STEP => return Err(e),
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}

/// Waits until the element with this `data-testid` shows text containing `needle`; returns its text.
pub async fn wait_for_text(client: &Client, id: &str, needle: &str) -> Result<String, Error> {
    let start = Instant::now();
    let mut last = String::new();
    loop {
        if let Ok(element) = client.find(Locator::Css(&testid(id))).await {
            last = element.text().await.unwrap_or_default();
            if last.contains(needle) {
                return Ok(last);
            }
        }
        if start.elapsed() > STEP {
            return Err(format!("{id} did not show {needle:?} within {STEP:?}; it showed {last:?}").into());
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Numbered PNG screenshots in `tests/e2e/screenshots/` (gitignored), for a person to look at.
#[derive(Debug)]
pub struct Screenshots {
    dir: PathBuf,
    taken: u32,
}

impl Screenshots {
    pub fn new() -> Result<Self, Error> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir, taken: 0 })
    }

    /// Screenshots of one suite in `<target>/e2e-screenshots/<suite>/`, for a person to look at (the best are
    /// copied to docs/screenshots/ by hand).
    pub fn in_target(suite: &str) -> Result<Self, Error> {
        let dir = target_dir().join("e2e-screenshots").join(suite);
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir, taken: 0 })
    }

    /// Saves the window as `NN-name.png`.
    pub async fn take(&mut self, client: &Client, name: &str) -> Result<PathBuf, Error> {
        self.taken += 1;
        settle(client).await?;
        let png = tokio::time::timeout(STEP, client.screenshot())
            .await
            .map_err(|_| format!("the screenshot {name} took longer than {STEP:?}"))??;
        let path = self.dir.join(format!("{:02}-{name}.png", self.taken));
        std::fs::write(&path, png)?;
        eprintln!("screenshot: {}", path.display());
        Ok(path)
    }
}

/// Waits until the page has painted its latest changes (two animation frames), so a screenshot shows them.
pub async fn settle(client: &Client) -> Result<(), Error> {
    let script = "const done = arguments[arguments.length - 1]; \
                  requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
    tokio::time::timeout(STEP, client.execute_async(script, Vec::new()))
        .await
        .map_err(|_| format!("the page did not paint within {STEP:?}"))??;
    Ok(())
}

pub mod axe;
pub mod demo;
pub mod drive;
