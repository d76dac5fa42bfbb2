//! Accessibility and CSP checks on the live page: the real axe-core engine (from ui/node_modules), injected over
//! WebDriver and run with `execute_async` (WebKit's `execute` does not await promises), and a listener that
//! records every `securitypolicyviolation`.

use std::path::Path;
use std::sync::OnceLock;

use fantoccini::Client;

use crate::{settle, Error};

/// The WCAG tags the suite holds every screen to.
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']";

fn axe_source() -> Result<&'static str, Error> {
    static SOURCE: OnceLock<Result<String, String>> = OnceLock::new();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules/axe-core/axe.min.js");
    SOURCE
        .get_or_init(|| {
            std::fs::read_to_string(&path).map_err(|e| format!("{} ({e}): run `npm install` in ui/", path.display()))
        })
        .as_deref()
        .map_err(|e| e.clone().into())
}

/// Starts recording CSP violations on the page (call once after the window has loaded).
pub async fn watch_csp(client: &Client) -> Result<(), Error> {
    let script = "if (!window.__cspViolations) { window.__cspViolations = []; \
        document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push( \
          e.effectiveDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber + ' ' + (e.sample || ''))); } \
        return true;";
    client.execute(script, Vec::new()).await?;
    Ok(())
}

/// Fails when the page has refused anything under its CSP since `watch_csp`.
pub async fn assert_no_csp_violations(client: &Client, screen: &str) -> Result<(), Error> {
    let seen = client.execute("return window.__cspViolations || [];", Vec::new()).await?;
    let list = seen.as_array().cloned().unwrap_or_default();
    if !list.is_empty() {
        return Err(format!("CSP violations on {screen}: {list:?}").into());
    }
    Ok(())
}

/// Runs axe-core on the whole document; fails on any serious or critical violation, listing each.
pub async fn assert_accessible(client: &Client, screen: &str) -> Result<(), Error> {
    settle(client).await?;
    let loaded = client.execute("return typeof window.axe === 'object';", Vec::new()).await?;
    if loaded != serde_json::json!(true) {
        client.execute(&format!("{}\nreturn true;", axe_source()?), Vec::new()).await?;
    }
    let script = format!(
        "const done = arguments[arguments.length - 1]; \
         window.axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }}, resultTypes: ['violations'] }}) \
           .then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') \
             .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))) \
           .catch((e) => done(['axe failed: ' + e]));"
    );
    let found = tokio::time::timeout(crate::STEP, client.execute_async(&script, Vec::new()))
        .await
        .map_err(|_| format!("axe did not finish on {screen}"))??;
    let list = found.as_array().cloned().unwrap_or_default();
    if !list.is_empty() {
        return Err(format!("accessibility violations on {screen}: {list:#?}").into());
    }
    Ok(())
}
