//! Issue 10's screens in both languages and both themes: the lock screen, a failed unlock, Hide's help and the
//! idle-lock setting. Each is checked with axe (contrast included, which is what the dark theme needs) and saved to
//! `<target>/e2e-screenshots/safety-screens/` for docs/screenshots/.

use circlebook_e2e::drive::check_screen;
use circlebook_e2e::harness::{wait_for_unlock_screen, AppUnderTest, Options, PASSPHRASE};
use circlebook_e2e::{require_display, wait_for, wait_for_text, Error, Screenshots};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

/// Sets the theme on the unlock screen as the Settings screen would (the page keeps it in its storage).
async fn set_theme(client: &Client, theme: &str) -> Result<(), Error> {
    let script = "const [theme] = arguments; localStorage.setItem('circlebook.theme', theme); \
                  document.documentElement.dataset.theme = theme;";
    client.execute(script, vec![serde_json::json!(theme)]).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_unlock_hide_and_idle_setting_in_both_languages_and_themes() -> Result<(), Error> {
    require_display();
    let mut shots = Screenshots::in_target("safety-screens")?;
    for (lang, locale, wrong_words) in [("en", None, "passphrase"), ("es", Some("es_ES.UTF-8"), "contraseña")] {
        let app = AppUnderTest::start(&Options { lang: locale, ..Options::default() }).await?;
        let client = &app.client;
        app.create_vault().await?;
        for (theme, suffix) in [("light", String::new()), ("dark", "-dark".to_owned())] {
            wait_for(client, "nav-settings").await?.click().await?;
            wait_for(client, &format!("theme-{theme}")).await?.click().await?;

            wait_for(client, "quick-exit-help-toggle").await?.click().await?;
            wait_for(client, "quick-exit-help").await?;
            check_screen(client, &mut shots, &format!("quick-exit-help{suffix}-{lang}")).await?;
            wait_for(client, "quick-exit-help-toggle").await?.click().await?;

            client.find(Locator::Css("[data-testid=\"keys-safety\"] > summary")).await?.click().await?;
            let idle = wait_for(client, "idle-setting").await?;
            assert!(idle.is_displayed().await?, "the idle setting shows once its section is opened");
            client
                .execute("arguments[0].scrollIntoView({ block: 'center' })", vec![serde_json::to_value(&idle)?])
                .await?;
            check_screen(client, &mut shots, &format!("settings-idle{suffix}-{lang}")).await?;

            wait_for(client, "lock").await?.click().await?;
            wait_for_unlock_screen(client).await?;
            set_theme(client, theme).await?;
            check_screen(client, &mut shots, &format!("lock{suffix}-{lang}")).await?;

            let field = wait_for(client, "unlock-passphrase").await?;
            field.send_keys(&format!("not the right one{}", char::from(Key::Enter))).await?;
            wait_for_text(client, "unlock-error", wrong_words).await?;
            check_screen(client, &mut shots, &format!("unlock-wrong{suffix}-{lang}")).await?;

            field.clear().await?;
            field.send_keys(&format!("{PASSPHRASE}{}", char::from(Key::Enter))).await?;
            wait_for(client, "home-screen").await?;
        }
        app.close().await?;
    }
    Ok(())
}
