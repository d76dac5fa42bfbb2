//! Issue 9, the case workspace, driven through the built app like a person would: every screen checked by the
//! real axe-core engine (no serious or critical violation) and for CSP violations, and screenshotted into
//! `<target>/e2e-screenshots/`. Vaults are made by `circlebook-cli` (with its synthetic demo cases).

use circlebook_e2e::demo::DemoApp;
use circlebook_e2e::drive::{check_screen, choose, click, invoke, keys, type_into, wait_ready};
use circlebook_e2e::{wait_for, wait_for_text, Error, Screenshots};
use fantoccini::{Client, Locator};

/// Issue 9, Home and a case: the demo cases with the person harmed's needs first, filters, sort, the due list;
/// every section of a case; a stage change with who and why; statistics; settings; dark theme; Spanish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_and_every_case_section_over_demo_cases() -> Result<(), Error> {
    let app = DemoApp::start(300).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("workspace-home")?;
        app.unlock().await?;
        let count = wait_for(client, "case-count").await?.text().await?;
        assert!(count.ends_with("cases"), "a count of cases: {count}");
        wait_for(client, "case-row").await?;
        wait_for(client, "due-list").await?;
        // A virtual list: only the rows in view (and a few more) are in the page, whatever the number of cases.
        let listed: usize = count.split_whitespace().next().unwrap_or_default().replace(',', "").parse()?;
        let mounted = client.find_all(Locator::Css("[data-testid=\"case-row\"]")).await?.len();
        assert!(listed > 150 && mounted < 60, "{listed} cases listed, {mounted} rows mounted");
        check_screen(client, &mut shots, "home").await?;

        // Filter by stage: every row shown is at that stage.
        choose(client, "filter-stage", "active").await?;
        wait_for_text(client, "case-row", "Active").await?;
        let rows = client.find_all(Locator::Css("[data-testid=\"case-row\"]")).await?;
        for row in rows.iter().take(5) {
            assert!(row.text().await?.contains("Active"), "a row at another stage after filtering");
        }
        // And by process: the list shows what the registry holds for both filters, fewer than the stage alone.
        let active = count_shown(client).await?;
        choose(client, "filter-process", "direct_dialogue").await?;
        let dialogues =
            invoke(client, "list_cases", serde_json::json!({"stage": "active", "process": "direct_dialogue"})).await?
                ["ok"]
                .as_array()
                .map_or(0, Vec::len);
        assert!(dialogues > 0 && dialogues < active, "{dialogues} of {active} active cases hold a direct dialogue");
        let start = std::time::Instant::now();
        while count_shown(client).await? != dialogues {
            assert!(start.elapsed() < circlebook_e2e::STEP, "the list never showed the {dialogues} cases");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        choose(client, "sort", "code_name").await?;
        check_screen(client, &mut shots, "home-filtered").await?;
        choose(client, "filter-process", "all").await?;

        // A case (an active one, still filtered, so that pausing it below is a change whatever the demo's seed
        // made of the first case): the person harmed's needs first, then every section.
        click(client, "case-row").await?;
        wait_ready(client, "case-screen").await?;
        wait_for(client, "case-needs").await?;
        for tab in ["people", "consent", "sessions", "notes", "attachments", "plan", "tasks", "timeline", "audit"] {
            click(client, &format!("tab-{tab}")).await?;
            wait_for_text(client, &format!("tab-{tab}"), "").await?;
            let selected = wait_for(client, &format!("tab-{tab}")).await?.attr("aria-selected").await?;
            assert_eq!(selected.as_deref(), Some("true"), "tab {tab} selected");
            check_screen(client, &mut shots, &format!("case-{tab}")).await?;
        }

        // Change the stage: pause, with who decided and why; the header and the history say so.
        click(client, "change-stage").await?;
        wait_for(client, "stage-dialog").await?;
        choose(client, "new-stage", "paused").await?;
        type_into(client, "stage-who", "Facilitator team").await?;
        type_into(client, "stage-why", "The person harmed asked for a pause over the holidays.").await?;
        check_screen(client, &mut shots, "case-stage-dialog").await?;
        click(client, "stage-submit").await?;
        wait_for_text(client, "case-stage", "Paused").await?;
        click(client, "stage-history").await?;
        wait_for_text(client, "stage-history", "holidays").await?;

        // Statistics and settings.
        click(client, "nav-statistics").await?;
        wait_ready(client, "statistics-screen").await?;
        wait_for(client, "chart-by-stage").await?;
        check_screen(client, &mut shots, "statistics").await?;
        click(client, "nav-settings").await?;
        wait_for(client, "settings-screen").await?;
        check_screen(client, &mut shots, "settings").await?;

        // Dark theme: the same screens, contrast checked again.
        click(client, "theme-dark").await?;
        click(client, "nav-cases").await?;
        wait_ready(client, "home-screen").await?;
        check_screen(client, &mut shots, "home-dark").await?;
        click(client, "case-row").await?;
        wait_ready(client, "case-screen").await?;
        click(client, "tab-consent").await?;
        wait_for(client, "consent-grid").await?;
        check_screen(client, &mut shots, "case-consent-dark").await?;

        // Spanish: every word changes at once, dates and counts too.
        click(client, "nav-settings").await?;
        click(client, "theme-light").await?;
        click(client, "language-es").await?;
        wait_for_text(client, "nav-cases", "Casos").await?;
        check_screen(client, &mut shots, "settings-es").await?;
        click(client, "nav-cases").await?;
        wait_ready(client, "home-screen").await?;
        wait_for_text(client, "case-count", "casos").await?;
        check_screen(client, &mut shots, "home-es").await?;
        click(client, "case-row").await?;
        wait_ready(client, "case-screen").await?;
        click(client, "tab-consent").await?;
        wait_for_text(client, "consent-grid", "Actividad").await?;
        check_screen(client, &mut shots, "case-consent-es").await?;
        // The search palette in Spanish: one height, its results scrolling inside it.
        keys(client, "\u{E009}k\u{E000}").await?;
        let input = wait_for(client, "search-input").await?;
        input.send_keys("consent").await?;
        wait_for(client, "search-hit").await?;
        check_screen(client, &mut shots, "search-es").await?;
        input.send_keys("\u{E00C}").await?;
        click(client, "nav-statistics").await?;
        wait_ready(client, "statistics-screen").await?;
        check_screen(client, &mut shots, "statistics-es").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// Issue 9, consent: a case opened in the window, two people, consent granted in the ledger, then withdrawn
/// with a confirmation; scheduling is refused and the screen says whose consent and which activity; granted
/// again, the session is scheduled and recorded as held. Then notes, the search palette, the plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_withdrawn_blocks_scheduling_and_says_why() -> Result<(), Error> {
    let app = DemoApp::start(0).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("workspace-consent")?;
        app.unlock().await?;
        wait_for(client, "home-empty").await?;
        check_screen(client, &mut shots, "home-empty").await?;

        open_case(client, &mut shots, "Heron", "To be heard, and to know it will not happen again.").await?;
        add_person(client, "Wren", "person_harmed").await?;
        add_person(client, "Finch", "person_responsible").await?;
        check_screen(client, &mut shots, "people").await?;

        click(client, "tab-consent").await?;
        for alias in ["Wren", "Finch"] {
            record_consent(client, alias, "direct_dialogue", "granted").await?;
        }
        check_screen(client, &mut shots, "consent-granted").await?;

        // Withdraw Wren's consent: one step, with a confirmation that says what will happen.
        click(client, "consent-Wren-direct_dialogue").await?;
        wait_for(client, "consent-dialog").await?;
        click(client, "decision-withdrawn").await?;
        click(client, "consent-submit").await?;
        let confirm = wait_for_text(client, "withdraw-confirm", "Wren").await?;
        assert!(confirm.contains("Direct dialogue") && confirm.contains("at once"), "{confirm}");
        check_screen(client, &mut shots, "consent-withdraw-confirm").await?;
        click(client, "withdraw-confirm-confirm").await?;
        client
            .wait()
            .at_most(circlebook_e2e::STEP)
            .for_element(Locator::Css("[data-testid=\"consent-Wren-direct_dialogue\"][data-state=\"withdrawn\"]"))
            .await
            .map_err(|e| format!("Wren's cell does not show the withdrawal: {e}"))?;
        click(client, "consent-history-Wren").await?;
        wait_for_text(client, "consent-history", "Withdrawn").await?;
        check_screen(client, &mut shots, "consent-withdrawn").await?;

        // Scheduling: the form says whose consent and which activity before anything is sent…
        click(client, "tab-sessions").await?;
        choose(client, "session-kind", "direct_dialogue").await?;
        type_into(client, "session-day", "2030-05-01").await?;
        type_into(client, "session-time", "10:00").await?;
        click(client, "attendee-Wren").await?;
        click(client, "attendee-Finch").await?;
        let gaps = wait_for_text(client, "schedule-gaps", "Wren").await?;
        assert!(gaps.contains("Direct dialogue") && gaps.contains("Withdrawn") && !gaps.contains("Finch"), "{gaps}");
        // …and the core refuses it too, worded from the error's code.
        click(client, "schedule-submit").await?;
        let refused = wait_for_text(client, "schedule-error", "consent").await?;
        assert!(refused.contains("Wren") || refused.contains("participant"), "{refused}");
        let code = client.find(Locator::Css("[data-testid=\"schedule-error\"] [data-error-code]")).await?;
        assert_eq!(code.attr("data-error-code").await?.as_deref(), Some("consent_required"));
        assert!(client.find(Locator::Css("[data-testid=\"session-row\"]")).await.is_err(), "nothing was scheduled");
        check_screen(client, &mut shots, "schedule-blocked").await?;

        // The way to record it is one link away; granted again, the session is scheduled and then held.
        click(client, "schedule-gap-link").await?;
        wait_for(client, "consent-grid").await?;
        record_consent(client, "Wren", "direct_dialogue", "granted").await?;
        click(client, "tab-sessions").await?;
        choose(client, "session-kind", "direct_dialogue").await?;
        type_into(client, "session-day", "2030-05-01").await?;
        type_into(client, "session-time", "10:00").await?;
        click(client, "attendee-Wren").await?;
        click(client, "attendee-Finch").await?;
        click(client, "schedule-submit").await?;
        wait_for_text(client, "session-row", "Scheduled").await?;
        check_screen(client, &mut shots, "session-scheduled").await?;
        click(client, "session-record").await?;
        wait_for(client, "record-dialog").await?;
        type_into(client, "held-summary", "Both spoke and listened; a plan was agreed.").await?;
        check_screen(client, &mut shots, "session-record-dialog").await?;
        click(client, "record-submit").await?;
        wait_for_text(client, "session-row", "Held").await?;

        // A note in Markdown; the search palette finds a word typed into it and opens its case.
        click(client, "tab-notes").await?;
        type_into(
            client,
            "note-body",
            "Wren would like the *quillwort* garden as a meeting place.\n\n- quiet\n- near a bus stop",
        )
        .await?;
        click(client, "note-add").await?;
        let note = wait_for_text(client, "note", "quillwort").await?;
        assert!(note.contains("near a bus stop"));
        let emphasis = client.find(Locator::Css("[data-testid=\"note\"] em")).await?.text().await?;
        assert_eq!(emphasis, "quillwort", "Markdown emphasis is rendered");
        check_screen(client, &mut shots, "notes").await?;
        click(client, "nav-cases").await?;
        wait_ready(client, "home-screen").await?;
        click(client, "open-search").await?;
        type_into(client, "search-input", "quillw").await?;
        wait_for_text(client, "search-hit", "quillwort").await?;
        // A filter narrows the same words: no closed case holds them; "any stage" brings the hit back.
        choose(client, "search-stage", "closed").await?;
        wait_for_text(client, "search-none", "filters").await?;
        check_screen(client, &mut shots, "search-filtered").await?;
        choose(client, "search-stage", "all").await?;
        wait_for_text(client, "search-hit", "quillwort").await?;
        check_screen(client, &mut shots, "search-palette").await?;
        wait_for(client, "search-input").await?.send_keys("\u{E007}").await?;
        wait_ready(client, "case-screen").await?;
        wait_for_text(client, "note", "quillwort").await?;

        // The accountability plan: a commitment, progress verified, and the progress report preview.
        click(client, "tab-plan").await?;
        choose(client, "commitment-person", &person_id(client, "Finch").await?).await?;
        choose(client, "commitment-kind", "apology_letter").await?;
        type_into(client, "commitment-description", "Write a letter to Wren, read with the facilitator first.").await?;
        click(client, "commitment-add").await?;
        wait_for_text(client, "commitment", "Apology letter").await?;
        click(client, "progress-open").await?;
        type_into(client, "progress-text", "First draft written.").await?;
        type_into(client, "progress-who", "Facilitator").await?;
        type_into(client, "progress-how", "Draft seen").await?;
        click(client, "progress-submit").await?;
        wait_for_text(client, "commitment", "First draft written.").await?;
        click(client, "report-preview").await?;
        wait_for_text(client, "progress-report", "First draft written.").await?;
        check_screen(client, &mut shots, "plan").await?;
        // A task, marked done.
        click(client, "tab-tasks").await?;
        type_into(client, "task-title", "Send Wren the shareable summary").await?;
        type_into(client, "task-due", "2030-05-08").await?;
        click(client, "task-add").await?;
        wait_for_text(client, "task-list", "Send Wren the shareable summary").await?;
        click(client, "task-done").await?;
        client
            .wait()
            .at_most(circlebook_e2e::STEP)
            .for_element(Locator::Css("[data-testid=\"task-done\"]:checked"))
            .await?;
        check_screen(client, &mut shots, "tasks").await?;

        click(client, "tab-timeline").await?;
        wait_for_text(client, "timeline", "Session held").await?;
        check_screen(client, &mut shots, "timeline").await?;

        // Close with an outcome and no retention, then purge with the code name typed again.
        click(client, "close-case").await?;
        wait_for(client, "close-dialog").await?;
        choose(client, "close-outcome", "agreement_completed").await?;
        type_into(client, "close-summary", "The plan was completed and both agreed to close.").await?;
        type_into(client, "close-who", "Facilitator team").await?;
        type_into(client, "close-retention", "0").await?;
        check_screen(client, &mut shots, "close-dialog").await?;
        click(client, "close-submit").await?;
        wait_for_text(client, "case-stage", "Closed").await?;
        wait_for_text(client, "case-closed", "Agreement completed").await?;
        click(client, "purge-case").await?;
        wait_for(client, "purge-dialog").await?;
        type_into(client, "purge-name", "Hero").await?;
        assert!(!wait_for(client, "purge-submit").await?.is_enabled().await?, "purge waits for the exact code name");
        type_into(client, "purge-name", "Heron").await?;
        check_screen(client, &mut shots, "purge-dialog").await?;
        click(client, "purge-submit").await?;
        wait_for(client, "home-screen").await?;
        let left = invoke(client, "list_cases", serde_json::json!({"include_closed": true})).await?;
        assert_eq!(left["ok"], serde_json::json!([]), "the case is gone: {left}");
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// Issue 9, XSS: 40+ payloads saved as case names, aliases and notes render as text. A canary any executed
/// script would set stays unset, and no element from a payload exists in the DOM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xss_payloads_render_as_text() -> Result<(), Error> {
    let app = DemoApp::start(0).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("workspace-xss")?;
        app.unlock().await?;
        let payloads = payloads();
        assert!(payloads.len() >= 40, "{} payloads", payloads.len());
        let case =
            invoke(client, "create_case", serde_json::json!({"code_name": payloads[0], "harmed_needs": payloads[1]}))
                .await?;
        let case_id = case["ok"]["id"].clone();
        assert!(case_id.is_string(), "{case}");
        for (i, payload) in payloads.iter().enumerate().skip(2).take(6) {
            let named =
                invoke(client, "create_case", serde_json::json!({"code_name": format!("{payload} {i}")})).await?;
            assert!(named.get("ok").is_some(), "{named}");
        }
        for payload in payloads.iter().take(6) {
            let added = invoke(
                client,
                "add_participant",
                serde_json::json!({"case_id": case_id, "alias": payload, "role": "supporter"}),
            )
            .await?;
            assert!(added.get("ok").is_some(), "{added}");
        }
        for payload in &payloads {
            let note = invoke(
                client,
                "add_note",
                serde_json::json!({"case_id": case_id, "body": format!("{payload} xsscanaryword"), "shareable": false}),
            )
            .await?;
            assert!(note.get("ok").is_some(), "{note}");
        }
        // Home again, so that it reads the cases just made.
        click(client, "nav-settings").await?;
        wait_for(client, "settings-screen").await?;
        click(client, "nav-cases").await?;
        wait_ready(client, "home-screen").await?;
        wait_for(client, "case-row").await?;
        assert_inert(client, "home").await?;
        check_screen(client, &mut shots, "home-payloads").await?;
        let hash = format!("#/case/{}/people", case_id.as_str().unwrap_or_default());
        client.execute("window.location.hash = arguments[0];", vec![serde_json::json!(hash)]).await?;
        wait_ready(client, "case-screen").await?;
        wait_for(client, "person-row").await?;
        assert_inert(client, "people").await?;
        click(client, "tab-consent").await?;
        wait_for(client, "consent-grid").await?;
        assert_inert(client, "consent").await?;
        click(client, "tab-notes").await?;
        wait_for(client, "note").await?;
        let shown = client.find_all(Locator::Css("[data-testid=\"note\"]")).await?.len();
        assert_eq!(shown, payloads.len(), "every payload note is shown");
        assert_inert(client, "notes").await?;
        check_screen(client, &mut shots, "notes-payloads").await?;
        click(client, "open-search").await?;
        type_into(client, "search-input", "xsscanaryword").await?;
        wait_for(client, "search-hit").await?;
        assert_inert(client, "search").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

async fn assert_inert(client: &Client, screen: &str) -> Result<(), Error> {
    // Give any handler that could fire (onerror, onload, animations) a moment to do so.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let found = client
        .execute(
            "return { canary: window.__xss === undefined ? null : String(window.__xss), \
               elements: Array.from(document.querySelectorAll( \
                 'script:not([src]), iframe, object, embed, img, video, audio, form[action], meta[http-equiv], base, link:not([rel=stylesheet]), \
                  [onerror], [onload], [onclick], [onmouseover], [onfocus], [srcdoc], a[href^=\"javascript\" i], [href^=\"data:\" i], math, details[open][ontoggle]' \
               )).map((e) => e.outerHTML.slice(0, 80)) };",
            Vec::new(),
        )
        .await?;
    assert_eq!(found["canary"], serde_json::Value::Null, "a payload ran on {screen}");
    assert_eq!(found["elements"], serde_json::json!([]), "elements from payloads on {screen}");
    Ok(())
}

/// Payloads in the shapes XSS filters meet: tags, handlers, `javascript:` and `data:` links, Markdown links and
/// images, entity tricks, SVG and MathML. Each sets the canary `window.__xss` if it ever runs.
fn payloads() -> Vec<String> {
    let raw = [
        "<script>window.__xss=1</script>",
        "<img src=x onerror=\"window.__xss=2\">",
        "<svg onload=\"window.__xss=3\">",
        "<svg><script>window.__xss=4</script></svg>",
        "<iframe src=\"javascript:window.__xss=5\"></iframe>",
        "<iframe srcdoc=\"<script>parent.__xss=6</script>\"></iframe>",
        "<body onload=\"window.__xss=7\">",
        "<a href=\"javascript:window.__xss=8\">open</a>",
        "[open](javascript:window.__xss=9)",
        "[open](JaVaScRiPt:window.__xss=10)",
        "[open](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTE8L3NjcmlwdD4=)",
        "![x](x \"onerror=window.__xss=12\")",
        "![x](javascript:window.__xss=13)",
        "<img src=\"x\" onerror=\"window.__xss=14\"/>",
        "<details open ontoggle=\"window.__xss=15\">",
        "<math><mtext><script>window.__xss=16</script></mtext></math>",
        "<object data=\"javascript:window.__xss=17\"></object>",
        "<embed src=\"javascript:window.__xss=18\">",
        "<video><source onerror=\"window.__xss=19\"></video>",
        "<audio src=x onerror=\"window.__xss=20\">",
        "<input autofocus onfocus=\"window.__xss=21\">",
        "<form action=\"javascript:window.__xss=22\"><button>go</button></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=23\">",
        "<base href=\"javascript:window.__xss=24//\">",
        "<link rel=\"import\" href=\"data:text/html,<script>window.__xss=25</script>\">",
        "<div style=\"background:url(javascript:window.__xss=26)\">",
        "<marquee onstart=\"window.__xss=27\">",
        "\"><script>window.__xss=28</script>",
        "'><img src=x onerror=window.__xss=29>",
        "</textarea><script>window.__xss=30</script>",
        "<scr<script>ipt>window.__xss=31</scr</script>ipt>",
        "&lt;script&gt;window.__xss=32&lt;/script&gt;",
        "&#60;img src=x onerror=window.__xss=33&#62;",
        "<a href=\"&#106;avascript:window.__xss=34\">x</a>",
        "[x](&#106;avascript:window.__xss=35)",
        "<img src=x:alert(1) onerror=eval(\"window.__xss=36\")>",
        "{@html '<img src=x onerror=window.__xss=37>'}",
        "{{constructor.constructor('window.__xss=38')()}}",
        "<svg><a xlink:href=\"javascript:window.__xss=39\"><text x=20 y=20>x</text></a></svg>",
        "<style>@import 'javascript:window.__xss=40';</style>",
        "<isindex type=image src=1 onerror=window.__xss=41>",
        "<table background=\"javascript:window.__xss=42\">",
        "```html\n<script>window.__xss=43</script>\n```",
        "<template><script>window.__xss=44</script></template>",
    ];
    raw.iter().map(|s| (*s).to_owned()).collect()
}

/// Opens a case from Home through the new-case form.
async fn open_case(client: &Client, shots: &mut Screenshots, code: &str, needs: &str) -> Result<(), Error> {
    click(client, "new-case").await?;
    wait_for(client, "new-case-screen").await?;
    type_into(client, "nc-code", code).await?;
    type_into(client, "nc-needs", needs).await?;
    check_screen(client, shots, "new-case").await?;
    click(client, "nc-submit").await?;
    wait_ready(client, "case-screen").await?;
    wait_for_text(client, "case-title", code).await?;
    Ok(())
}

async fn add_person(client: &Client, alias: &str, role: &str) -> Result<(), Error> {
    click(client, "tab-people").await?;
    type_into(client, "person-alias", alias).await?;
    choose(client, "person-role", role).await?;
    click(client, "person-add").await?;
    let css = "[data-testid=\"person-row\"]";
    let start = std::time::Instant::now();
    loop {
        let mut names = Vec::new();
        for row in client.find_all(Locator::Css(css)).await? {
            names.push(row.text().await?);
        }
        if names.iter().any(|n| n.starts_with(alias)) {
            return Ok(());
        }
        if start.elapsed() > circlebook_e2e::STEP {
            return Err(format!("{alias} was not added: {names:?}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn record_consent(client: &Client, alias: &str, activity: &str, decision: &str) -> Result<(), Error> {
    click(client, &format!("consent-{alias}-{activity}")).await?;
    wait_for(client, "consent-dialog").await?;
    click(client, &format!("decision-{decision}")).await?;
    click(client, "consent-submit").await?;
    let css = format!("[data-testid=\"consent-{alias}-{activity}\"][data-state=\"{decision}\"]");
    client
        .wait()
        .at_most(circlebook_e2e::STEP)
        .for_element(Locator::Css(&css))
        .await
        .map_err(|e| format!("{alias}'s {activity} did not become {decision}: {e}"))?;
    Ok(())
}

/// The id of a participant of the open case (the plan's select offers participants by id).
/// The number of cases the home screen says it lists.
async fn count_shown(client: &Client) -> Result<usize, Error> {
    let count = wait_for(client, "case-count").await?.text().await?;
    Ok(count.split_whitespace().next().unwrap_or_default().replace(',', "").parse()?)
}

async fn person_id(client: &Client, alias: &str) -> Result<String, Error> {
    let hash = client.execute("return window.location.hash;", Vec::new()).await?;
    let case_id = hash.as_str().unwrap_or_default().split('/').nth(2).unwrap_or_default().to_owned();
    let people = invoke(client, "list_participants", serde_json::json!({"case_id": case_id})).await?;
    let found = people["ok"].as_array().and_then(|list| list.iter().find(|p| p["alias"] == alias).cloned());
    Ok(found.and_then(|p| p["id"].as_str().map(str::to_owned)).ok_or(format!("no participant {alias}: {people}"))?)
}
