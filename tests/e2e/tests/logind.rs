//! Issue 10, "Lock … when the session's screen locks or the machine suspends (logind's signals over the system
//! bus)", on the built app under Xvfb. The app's system bus is a private `dbus-daemon` (zbus honours
//! `DBUS_SYSTEM_BUS_ADDRESS`, as libdbus does), and this test serves a fake `org.freedesktop.login1` on it: the
//! Manager (`GetSession`, `GetSessionByPID`, `PrepareForSleep`) and one Session (`Lock`, `LockedHint`). Each signal
//! must lock the vault and reset the page, with no canary left in it.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use circlebook_e2e::harness::{wait_for_unlock_screen, AppUnderTest, Canaries, Options, PASSPHRASE};
use circlebook_e2e::{require_display, wait_for, Error, Screenshots, STEP};
use fantoccini::key::Key;
use fantoccini::Locator;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedObjectPath;

const MANAGER_PATH: &str = "/org/freedesktop/login1";
const SESSION_PATH: &str = "/org/freedesktop/login1/session/e2e";
const SESSION_ID: &str = "e2e";

/// A private message bus in a process of its own, stopped on drop.
struct Bus {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Bus {
    fn start() -> Result<Self, Error> {
        let dir = tempfile::Builder::new().prefix("circlebook-bus-").tempdir()?;
        let listen = format!("unix:path={}", dir.path().join("system_bus_socket").display());
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
            .arg(format!("--address={listen}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("dbus-daemon could not be started ({e}); it is in Debian's `dbus-daemon` package"))?;
        let mut address = String::new();
        let stdout = child.stdout.take().ok_or("dbus-daemon's output")?;
        BufReader::new(stdout).read_line(&mut address)?;
        let address = address.trim().to_owned();
        if address.is_empty() {
            let _ = child.kill();
            return Err("dbus-daemon printed no address".into());
        }
        Ok(Self { child, address, _dir: dir })
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the fake logind was asked, to check the app found its session the way logind expects.
#[derive(Debug, Default, Clone)]
struct Asked(Arc<Mutex<Vec<String>>>);

impl Asked {
    fn push(&self, call: String) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(call);
    }
    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

struct Manager {
    asked: Asked,
}

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl Manager {
    fn get_session(&self, id: &str) -> zbus::fdo::Result<OwnedObjectPath> {
        self.asked.push(format!("GetSession({id})"));
        if id != SESSION_ID {
            return Err(zbus::fdo::Error::Failed(format!("no session {id}")));
        }
        OwnedObjectPath::try_from(SESSION_PATH).map_err(|e| zbus::fdo::Error::Failed(e.to_string()))
    }

    #[zbus(name = "GetSessionByPID")]
    fn get_session_by_pid(&self, pid: u32) -> zbus::fdo::Result<OwnedObjectPath> {
        self.asked.push(format!("GetSessionByPID({pid})"));
        OwnedObjectPath::try_from(SESSION_PATH).map_err(|e| zbus::fdo::Error::Failed(e.to_string()))
    }

    #[zbus(signal)]
    async fn prepare_for_sleep(emitter: &SignalEmitter<'_>, start: bool) -> zbus::Result<()>;
}

struct Session {
    locked_hint: bool,
}

#[zbus::interface(name = "org.freedesktop.login1.Session")]
impl Session {
    #[zbus(property)]
    fn locked_hint(&self) -> bool {
        self.locked_hint
    }

    #[zbus(signal)]
    async fn lock(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;
}

/// The fake logind, and a monitor that sees the match rules the app adds (so a signal is sent only once the app
/// listens for it: a signal nobody has subscribed to yet is simply not delivered).
struct Logind {
    connection: zbus::Connection,
    asked: Asked,
    rules: Asked,
    _monitor: zbus::blocking::Connection,
}

impl Logind {
    async fn serve(address: &str) -> Result<Self, Error> {
        // The monitor is a blocking connection read on a thread of its own (zbus's blocking iterator).
        let monitor = zbus::blocking::connection::Builder::address(address)?.build()?;
        let rules = Asked::default();
        let messages = zbus::blocking::MessageIterator::from(&monitor);
        zbus::blocking::fdo::MonitoringProxy::new(&monitor)?
            .become_monitor(&[zbus::MatchRule::try_from("type='method_call',member='AddMatch'")?], 0)?;
        let seen = rules.clone();
        std::thread::spawn(move || {
            for message in messages.flatten() {
                if message.header().member().is_some_and(|m| m.as_str() == "AddMatch") {
                    if let Ok(rule) = message.body().deserialize::<String>() {
                        seen.push(rule);
                    }
                }
            }
        });

        let asked = Asked::default();
        let connection = zbus::connection::Builder::address(address)?
            .name("org.freedesktop.login1")?
            .serve_at(MANAGER_PATH, Manager { asked: asked.clone() })?
            .serve_at(SESSION_PATH, Session { locked_hint: false })?
            .build()
            .await?;
        Ok(Self { connection, asked, rules, _monitor: monitor })
    }

    /// Waits until the app has subscribed to `member` (its match rule names it).
    async fn wait_for_subscription(&self, member: &str) -> Result<(), Error> {
        let needle = format!("member='{member}'");
        let start = Instant::now();
        while !self.rules.all().iter().any(|rule| rule.contains(&needle) && rule.contains("org.freedesktop.login1")) {
            if start.elapsed() > STEP {
                return Err(format!(
                    "the app did not subscribe to {member} within {STEP:?}; it asked {:?} and added {:?}",
                    self.asked.all(),
                    self.rules.all()
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    async fn prepare_for_sleep(&self, start: bool) -> Result<(), Error> {
        let manager = self.connection.object_server().interface::<_, Manager>(MANAGER_PATH).await?;
        Manager::prepare_for_sleep(manager.signal_emitter(), start).await?;
        Ok(())
    }

    async fn lock(&self) -> Result<(), Error> {
        let session = self.connection.object_server().interface::<_, Session>(SESSION_PATH).await?;
        Session::lock(session.signal_emitter()).await?;
        Ok(())
    }

    async fn set_locked_hint(&self, locked: bool) -> Result<(), Error> {
        let session = self.connection.object_server().interface::<_, Session>(SESSION_PATH).await?;
        session.get_mut().await.locked_hint = locked;
        session.get().await.locked_hint_changed(session.signal_emitter()).await?;
        Ok(())
    }
}

async fn unlock(app: &AppUnderTest) -> Result<(), Error> {
    let field = wait_for(&app.client, "unlock-passphrase").await?;
    field.send_keys(&format!("{PASSPHRASE}{}", char::from(Key::Enter))).await?;
    wait_for(&app.client, "home-screen").await?;
    Ok(())
}

/// Canaries in a case and in the page, one of them typed through the keyboard into a field.
async fn plant(app: &AppUnderTest, tag: &str) -> Result<Canaries, Error> {
    let canaries = Canaries::new(tag);
    canaries.plant(app).await?;
    app.client.find(Locator::Css("[data-testid=\"planted\"] + input")).await?.send_keys(&canaries.words[3]).await?;
    Ok(canaries)
}

async fn assert_locked_and_clean(app: &AppUnderTest, canaries: &Canaries, what: &str) -> Result<(), Error> {
    let waited = wait_for_unlock_screen(&app.client).await?;
    eprintln!("logind: {what} -> unlock screen after {:.0} ms", waited.as_secs_f64() * 1e3);
    let refused = app.op("list_cases", serde_json::json!({})).await?;
    assert_eq!(refused["error"]["code"], "locked", "{what} must lock the vault: {refused}");
    canaries.assert_gone_from_page(app).await?;
    Ok(())
}

/// Issue 10: the session's screen lock (`Lock`, and `LockedHint` becoming true) and the machine going to sleep
/// (`PrepareForSleep(true)`) each lock the vault and reset the page; waking up (`PrepareForSleep(false)`) does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screen_lock_and_suspend_from_logind_lock_the_vault() -> Result<(), Error> {
    require_display();
    let bus = Bus::start()?;
    let logind = Logind::serve(&bus.address).await?;
    let env: Vec<(&'static str, OsString)> =
        vec![("DBUS_SYSTEM_BUS_ADDRESS", bus.address.clone().into()), ("XDG_SESSION_ID", SESSION_ID.into())];
    let app = AppUnderTest::start(&Options { env, ..Options::default() }).await?;
    let mut shots = Screenshots::new()?;
    app.create_vault().await?;
    for member in ["Lock", "PrepareForSleep", "PropertiesChanged"] {
        logind.wait_for_subscription(member).await?;
    }
    assert_eq!(logind.asked.all(), vec![format!("GetSession({SESSION_ID})")], "the app asks for its session by id");

    // The session's screen locks.
    let canaries = plant(&app, "screenlock").await?;
    logind.lock().await?;
    assert_locked_and_clean(&app, &canaries, "Lock").await?;
    shots.take(&app.client, "locked-by-screen-lock").await?;

    // Waking up is not a reason to lock; going to sleep is.
    unlock(&app).await?;
    let canaries = plant(&app, "suspend").await?;
    logind.prepare_for_sleep(false).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let open = app.op("list_cases", serde_json::json!({})).await?;
    assert!(open.get("ok").is_some(), "PrepareForSleep(false) (waking up) leaves the vault open: {open}");
    logind.prepare_for_sleep(true).await?;
    assert_locked_and_clean(&app, &canaries, "PrepareForSleep(true)").await?;

    // A desktop that only sets the session's LockedHint.
    unlock(&app).await?;
    let canaries = plant(&app, "lockedhint").await?;
    logind.set_locked_hint(true).await?;
    assert_locked_and_clean(&app, &canaries, "LockedHint true").await?;
    logind.set_locked_hint(false).await?;

    app.close().await?;
    drop(bus);
    Ok(())
}
