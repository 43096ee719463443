//! The pure steps of the login-form flow (`mailru_auth::page`): page classification, form
//! extraction, filling the login form, redirect classification and titles. On hand-written
//! pages with the structure of spec §5.5, and on the three real Mail.Ru snapshots of
//! `../shared/fixtures/oauth-pages/` (read at test time; when absent, a notice, or a failure
//! when `CI` is set).

use mailru_auth::AuthError;
use mailru_auth::page::{
    Form, Page, Redirect, classify, classify_redirect, extract_forms, fill_login, title,
};
use url::Url;

// ---------------------------------------------------------------------------------------
// Hand-written pages.

/// The shell every dialog shares (spec §5.5): XHTML, title with an entity, header, content.
fn dialog(content: &str) -> String {
    format!(
        r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru" lang="ru">
<head>
  <title>Mail.Ru &mdash; Запрос доступа</title>
  <link rel="stylesheet" href="https://my1.imgsmail.ru/mail/ru/css/new/connect/dialogs_test.css"/>
</head>
<body>
<div id="wrp" class="auth-dialog">
  <div class="header">
    <span class="header__logo">Мой Мир@Mail.Ru</span>
    <div class="header__account"></div>
  </div>
  <div class="content">
{content}
  </div><!--content-->
</div><!--popup-->
<script type="text/javascript">
  var s = '<form action="/not-a-form"><input name="Login"/></form>';
</script>
</body>
</html>
"#
    )
}

const PAGE_URL: &str = "http://127.0.0.1:1/oauth/authorize?response_type=token&client_id=423004&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Foauth%2Fsuccess.html&scope=stream&login=1";
const FAIL_URL: &str = "http://127.0.0.1:1/oauth/authorize?response_type=token&client_id=423004&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Foauth%2Fsuccess.html&scope=stream&fail=1";

/// The login + consent dialog (`auth_dialog.html` structure), `&` escaped as `&amp;`.
fn login_page() -> String {
    dialog(&login_content())
}

/// The content of the login dialog: permission list and login form.
fn login_content() -> String {
    let page = PAGE_URL.replace('&', "&amp;");
    let fail = FAIL_URL.replace('&', "&amp;");
    format!(
        r#"    <h1>Необходим доступ к вашим данным</h1>
    <div id="permission-list" class="permissions">
      <p><b class="site-name">Демо</b> просит вас разрешить следующие действия:</p>
      <ul class="permissions-list"><li>Получать информацию о вашей анкете</li></ul>
    </div>
    <form id="login-form" method="post" action="http://127.0.0.1:1/cgi-bin/auth" class="login-form">
      <!-- Page=[{page}] -->
      <input type="hidden" name="Page" value="{page}"/>
      <input type="hidden" name="FailPage" value="{fail}"/>
      <select tabindex="2" name="Domain" id="domain-select">
        <option value="mail.ru">@mail.ru</option>
        <option value="inbox.ru">@inbox.ru</option>
        <option value="bk.ru">@bk.ru</option>
        <option value="list.ru">@list.ru</option>
      </select>
      <input tabindex="1" type="text" name="Login" id="login" placeholder="Почтовый ящик"/>
      <input tabindex="3" type="password" name="Password" id="password" placeholder="Пароль"/>
      <button tabindex="4" type="submit" class="ui-button-main">Войти и разрешить</button>
      <a href="http://e.mail.ru/cgi-bin/passremind" target="_blank">Забыли пароль?</a>
    </form>"#
    )
}

/// The consent dialog of a logged-in user (`access_dialog.html` structure).
fn consent_page() -> String {
    dialog(
        r#"    <form id="login" method="post" action="http://127.0.0.1:1/oauth/authorize">
      <input type="hidden" name="sig" value="0123456789abcdef0123456789abcdef"/>
      <input type="hidden" name="client_id" value="423004"/>
      <input type="hidden" name="redirect_uri" value="http://127.0.0.1:1/oauth/success.html"/>
      <input type="hidden" name="response_type" value="token"/>
      <input type="hidden" name="state" value=""/>
      <input type="hidden" name="login" value="1"/>
      <input type="hidden" name="needed_permissions" value="4"/>
      <h1>Необходим доступ к вашим данным</h1>
      <button type="submit" id="accept" name="agree" value="1">Я согласен, разрешить</button>
      <a href="http://127.0.0.1:1/oauth/success.html?error=access_denied">Отказаться</a>
    </form>"#,
    )
}

fn names(form: &Form) -> Vec<&str> {
    form.fields.iter().map(|(k, _)| k.as_str()).collect()
}

fn login_form(html: &str) -> Form {
    match classify(html) {
        Page::Login(form) => form,
        other => panic!("expected the login dialog, got {other:?}"),
    }
}

fn consent_form(html: &str) -> Form {
    match classify(html) {
        Page::Consent(form) => form,
        other => panic!("expected the consent dialog, got {other:?}"),
    }
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn login_dialog_is_classified_with_its_form_and_hidden_inputs_decoded() {
    let form = login_form(&login_page());
    assert_eq!(form.id.as_deref(), Some("login-form"));
    assert_eq!(form.action, "http://127.0.0.1:1/cgi-bin/auth");
    assert_eq!(form.method, "POST");
    // Inputs and the select, in document order; no button.
    assert_eq!(
        names(&form),
        ["Page", "FailPage", "Domain", "Login", "Password"]
    );
    // `&amp;` in the attribute is `&` in the value.
    assert_eq!(form.get("Page"), Some(PAGE_URL));
    assert_eq!(form.get("FailPage"), Some(FAIL_URL));
    // The select submits its first option when none is selected.
    assert_eq!(form.get("Domain"), Some("mail.ru"));
    assert_eq!(form.get("Login"), Some(""));
    assert_eq!(form.get("Password"), Some(""));
    assert_eq!(
        title(&login_page()).as_deref(),
        Some("Mail.Ru — Запрос доступа")
    );
}

#[test]
fn fill_login_splits_the_email_and_keeps_the_hidden_inputs() {
    let form = login_form(&login_page());
    let filled = fill_login(&form, "user@inbox.ru", "Пароль-2026 &=?").unwrap();
    assert_eq!(get(&filled, "Login"), Some("user"));
    assert_eq!(get(&filled, "Domain"), Some("inbox.ru"));
    assert_eq!(get(&filled, "Password"), Some("Пароль-2026 &=?"));
    assert_eq!(get(&filled, "Page"), Some(PAGE_URL));
    assert_eq!(get(&filled, "FailPage"), Some(FAIL_URL));
    // Same fields, same order, nothing added; the form itself is untouched.
    let names: Vec<&str> = filled.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["Page", "FailPage", "Domain", "Login", "Password"]);
    assert_eq!(form.get("Login"), Some(""));

    // decisions.md: the domain is everything after `@`, not "second-level label + .ru".
    let filled = fill_login(&form, "someone@example.co.uk", "p").unwrap();
    assert_eq!(get(&filled, "Login"), Some("someone"));
    assert_eq!(get(&filled, "Domain"), Some("example.co.uk"));
    let filled = fill_login(&form, "anna.k@list.ru", "p").unwrap();
    assert_eq!(get(&filled, "Login"), Some("anna.k"));
    assert_eq!(get(&filled, "Domain"), Some("list.ru"));
}

#[test]
fn fill_login_adds_user_fields_the_form_lacks() {
    // A form with the hidden inputs but no Domain select: Domain is added.
    let html = dialog(
        r#"<form method="post" action="/cgi-bin/auth">
             <input type="hidden" name="Page" value="p"/>
             <input type="hidden" name="FailPage" value="f"/>
             <input name="Login"/><input type="password" name="Password"/>
           </form>"#,
    );
    let form = login_form(&html);
    let filled = fill_login(&form, "demo@mail.ru", "x").unwrap();
    assert_eq!(get(&filled, "Domain"), Some("mail.ru"));
    assert_eq!(get(&filled, "Login"), Some("demo"));
    assert_eq!(filled.len(), 5);
}

#[test]
fn login_form_without_page_or_fail_page_cannot_be_filled() {
    let without_both = dialog(
        r#"<form id="login-form" method="post" action="/cgi-bin/auth">
             <input type="text" name="Login"/><input type="password" name="Password"/>
           </form>"#,
    );
    let form = login_form(&without_both);
    match fill_login(&form, "user@mail.ru", "x") {
        Err(AuthError::MalformedPage(msg)) => assert!(msg.contains("Page"), "{msg}"),
        other => panic!("expected MalformedPage, got {other:?}"),
    }
    let without_fail = dialog(
        r#"<form id="login-form" method="post" action="/cgi-bin/auth">
             <input type="hidden" name="Page" value="http://h/oauth/authorize?login=1"/>
             <input type="text" name="Login"/><input type="password" name="Password"/>
           </form>"#,
    );
    let form = login_form(&without_fail);
    match fill_login(&form, "user@mail.ru", "x") {
        Err(e @ AuthError::MalformedPage(_)) => {
            assert!(e.to_string().contains("FailPage"), "{e}");
            assert_eq!(e.kind(), "malformed_page");
            assert!(!e.is_transient());
        }
        other => panic!("expected MalformedPage, got {other:?}"),
    }
}

#[test]
fn consent_dialog_yields_its_seven_hidden_inputs_and_no_button() {
    let form = consent_form(&consent_page());
    assert_eq!(form.id.as_deref(), Some("login"));
    assert_eq!(form.action, "http://127.0.0.1:1/oauth/authorize");
    assert_eq!(form.method, "POST");
    assert_eq!(
        form.fields,
        [
            ("sig", "0123456789abcdef0123456789abcdef"),
            ("client_id", "423004"),
            ("redirect_uri", "http://127.0.0.1:1/oauth/success.html"),
            ("response_type", "token"),
            ("state", ""),
            ("login", "1"),
            ("needed_permissions", "4"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert!(!form.has("agree"), "a <button> is not a submitted field");
}

#[test]
fn denial_and_missing_client_pages_are_recognised_by_their_markers() {
    let denied_content = r#"<h1>Авторизация запрещена</h1>
           <p>Приложение находится в разработке, поэтому авторизация не доступна</p>
           <button type="button" id="close">Закрыть</button>"#;
    let denied = dialog(denied_content);
    assert_eq!(classify(&denied), Page::AppNotAvailable);
    assert!(extract_forms(&denied).is_empty());

    let no_client = dialog(
        r#"<h1>Не указано приложение</h1>
           <p>Не передан идентификатор приложения в параметре client_id</p>"#,
    );
    assert_eq!(classify(&no_client), Page::NoClient);

    // The marker decides even when the page also has a form.
    let denied_with_form = dialog(&format!("{denied_content}{}", login_content()));
    assert_eq!(classify(&denied_with_form), Page::AppNotAvailable);
}

#[test]
fn a_page_without_a_form_is_unknown_with_its_title() {
    let html = "<!DOCTYPE html><html><head><title>\n  Восстановление доступа \n</title></head>\
                <body><h1>Ваш аккаунт заблокирован</h1></body></html>";
    assert!(extract_forms(html).is_empty());
    assert_eq!(
        classify(html),
        Page::Unknown {
            title: Some("Восстановление доступа".to_owned())
        }
    );
    // No title, or an empty one: None.
    assert_eq!(classify("<p>nothing</p>"), Page::Unknown { title: None });
    assert_eq!(title("<html><head><title>   </title></head></html>"), None);
    assert_eq!(title(""), None);
}

#[test]
fn the_login_form_is_found_among_several_forms() {
    let html = dialog(&format!(
        r#"<form id="search" action="https://go.mail.ru/search">
             <input type="text" name="q" value="погода"/>
             <input type="submit" name="go" value="Найти"/>
           </form>
           {}"#,
        login_content()
    ));
    let forms = extract_forms(&html);
    assert!(forms.len() >= 2, "{forms:?}");
    let search = &forms[0];
    assert_eq!(search.id.as_deref(), Some("search"));
    assert_eq!(search.method, "GET", "method defaults to GET");
    assert_eq!(search.fields, [("q".to_owned(), "погода".to_owned())]);
    let form = login_form(&html);
    assert_eq!(form.id.as_deref(), Some("login-form"));
    assert_eq!(form.get("Page"), Some(PAGE_URL));
}

#[test]
fn consent_needs_a_post_form_with_client_id() {
    // A GET form with client_id is not the consent dialog.
    let get_form = dialog(
        r#"<form action="/oauth/authorize"><input type="hidden" name="client_id" value="1"/></form>"#,
    );
    assert!(matches!(classify(&get_form), Page::Unknown { .. }));
    // A POST form without client_id neither.
    let no_id = dialog(
        r#"<form method="POST" action="/oauth/authorize"><input type="hidden" name="sig" value="1"/></form>"#,
    );
    assert!(matches!(classify(&no_id), Page::Unknown { .. }));
    // Login and Password both make a login form; one alone does not.
    let login_only = dialog(r#"<form method="post" action="/a"><input name="Login"/></form>"#);
    assert!(matches!(classify(&login_only), Page::Unknown { .. }));
    // The method is matched case-insensitively.
    let upper = dialog(
        r#"<form method="PoSt" action="/oauth/authorize"><input type="hidden" name="client_id" value="7"/></form>"#,
    );
    assert_eq!(consent_form(&upper).get("client_id"), Some("7"));
}

#[test]
fn entities_in_values_are_decoded() {
    let html = r#"<html><head><title>&laquo;Тест&raquo; &amp; co</title></head><body>
        <form method="post" action="/oauth/authorize?a=1&amp;b=2">
          <input type="hidden" name="client_id" value="a&amp;b"/>
          <input type="hidden" name="ru" value="&#1055;&#1088;&#1080;&#1074;&#1077;&#1090;"/>
          <input type="hidden" name="hex" value="&#x41C;&#x438;&#x440;"/>
          <input type="hidden" name="named" value="&laquo;&nbsp;&raquo; &lt;b&gt; &quot;q&quot; &#39;s&#39;"/>
          <input type="hidden" name="raw" value="Прямо по-русски"/>
          <select name="sel"><option value="x&amp;y" selected="selected">X</option></select>
        </form></body></html>"#;
    let form = consent_form(html);
    assert_eq!(form.action, "/oauth/authorize?a=1&b=2");
    assert_eq!(form.get("client_id"), Some("a&b"));
    assert_eq!(form.get("ru"), Some("Привет"));
    assert_eq!(form.get("hex"), Some("Мир"));
    assert_eq!(form.get("named"), Some("«\u{a0}» <b> \"q\" 's'"));
    assert_eq!(form.get("raw"), Some("Прямо по-русски"));
    assert_eq!(form.get("sel"), Some("x&y"));
    assert_eq!(title(html).as_deref(), Some("«Тест» & co"));
}

#[test]
fn malformed_html_still_yields_the_forms() {
    // Unclosed tags, unquoted attributes, no </form>, </body> or </html>, a stray `</a`.
    let html = r##"<!-- GET___prerelease = '' -->
<html><head><title>Mail.Ru &mdash; Запрос доступа</title>
<body><div class=content><div><p>text
<form id=login-form method=post action=https://auth.mail.ru/cgi-bin/auth>
  <input type=hidden name=Page value="https://connect.mail.ru/oauth/authorize?login=1&client_id=1">
  <input type=hidden name=FailPage value='https://connect.mail.ru/oauth/authorize?client_id=1&fail=1'>
  <select name=Domain><option value=mail.ru>@mail.ru<option value=bk.ru selected>@bk.ru</select>
  <input name=Login>
  <input type=password name=Password>
  <a href="#">Забыли пароль?</a
  <button type=submit>Войти</button>
"##;
    let form = login_form(html);
    assert_eq!(form.id.as_deref(), Some("login-form"));
    assert_eq!(form.action, "https://auth.mail.ru/cgi-bin/auth");
    assert_eq!(
        form.get("Page"),
        Some("https://connect.mail.ru/oauth/authorize?login=1&client_id=1")
    );
    assert_eq!(
        form.get("FailPage"),
        Some("https://connect.mail.ru/oauth/authorize?client_id=1&fail=1")
    );
    assert_eq!(form.get("Domain"), Some("bk.ru"));
    assert!(form.has("Login") && form.has("Password"));
    let filled = fill_login(&form, "ivan.petrov@bk.ru", "bk-secret-1").unwrap();
    assert_eq!(get(&filled, "Login"), Some("ivan.petrov"));
    assert_eq!(get(&filled, "Domain"), Some("bk.ru"));

    // Complete garbage is simply an unknown page.
    assert!(matches!(
        classify("<<<>>> </form> <input"),
        Page::Unknown { .. }
    ));
    assert!(extract_forms("").is_empty());
}

#[test]
fn select_submits_the_selected_option_value_or_text() {
    let html = r#"<form method="post" action="/x">
        <select name="Domain">
          <option value="mail.ru">@mail.ru</option>
          <option value="inbox.ru" selected>@inbox.ru</option>
          <option value="bk.ru">@bk.ru</option>
        </select>
        <select name="no_values"><option>первый</option><option selected>второй</option></select>
        <select name="first_by_default"><option value="a">A</option><option value="b">B</option></select>
        <select name="empty"></select>
        <select><option value="unnamed" selected>no name</option></select>
      </form>"#;
    let forms = extract_forms(html);
    assert_eq!(forms.len(), 1);
    let form = &forms[0];
    assert_eq!(form.get("Domain"), Some("inbox.ru"));
    assert_eq!(form.get("no_values"), Some("второй"));
    assert_eq!(form.get("first_by_default"), Some("a"));
    assert!(
        !form.has("empty"),
        "a select without options submits nothing"
    );
    assert_eq!(names(form), ["Domain", "no_values", "first_by_default"]);
}

#[test]
fn buttons_unchecked_boxes_and_unnamed_inputs_are_not_collected() {
    let html = r#"<form method="post" action="/x">
        <input type="hidden" name="keep" value="1"/>
        <button type="submit" name="agree" value="1">Я согласен</button>
        <button name="plain">B</button>
        <input type="submit" name="s" value="Отправить"/>
        <input type="SUBMIT" name="s2" value="upper-case type"/>
        <input type="button" name="b" value="b"/>
        <input type="image" name="img" src="x.png"/>
        <input type="reset" name="r"/>
        <input type="file" name="f"/>
        <input type="checkbox" name="remember" value="yes"/>
        <input type="checkbox" name="checked_box" value="on" checked/>
        <input type="radio" name="choice" value="a"/>
        <input type="radio" name="choice" value="b" checked="checked"/>
        <input type="email" name="mail" value="a@b.ru"/>
        <input name="no_type" value="t"/>
        <input name="no_value"/>
        <input type="text" value="no name"/>
      </form>"#;
    let forms = extract_forms(html);
    assert_eq!(forms.len(), 1);
    assert_eq!(
        forms[0].fields,
        [
            ("keep", "1"),
            ("checked_box", "on"),
            ("choice", "b"),
            ("mail", "a@b.ru"),
            ("no_type", "t"),
            ("no_value", ""),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[test]
fn form_helpers_get_has_and_set() {
    let mut form = Form {
        id: None,
        action: String::new(),
        method: "POST".to_owned(),
        fields: vec![("a".to_owned(), "1".to_owned())],
    };
    assert!(form.has("a") && !form.has("b"));
    form.set("a", "2");
    form.set("b", "3");
    assert_eq!(form.get("a"), Some("2"));
    assert_eq!(form.fields.len(), 2);
    assert_eq!(form.fields[1], ("b".to_owned(), "3".to_owned()));
    // A form without action or method attributes.
    let forms = extract_forms("<form><input name=x value=y></form>");
    assert_eq!(forms[0].action, "");
    assert_eq!(forms[0].method, "GET");
    assert_eq!(forms[0].id, None);
}

#[test]
fn redirects_of_the_flow_are_classified() {
    let success = Url::parse("http://127.0.0.1:1/oauth/success.html").unwrap();
    let u = |s: &str| Url::parse(s).unwrap();
    // The token in the fragment of the success page.
    let fragment = "access_token=a1&refresh_token=r1&expires_in=86400&token_type=bearer&x_mailru_vid=15410773191172635989";
    assert_eq!(
        classify_redirect(&u(&format!("{success}#{fragment}")), &success),
        Redirect::Token(fragment.to_owned())
    );
    // A success page on another host or scheme carries no token worth believing (an
    // http hop could plant its own: login CSRF).
    for elsewhere in [
        "http://connect.mail.ru/oauth/success.html#access_token=z&x_mailru_vid=1",
        "https://127.0.0.1:1/oauth/success.html#access_token=z&x_mailru_vid=1",
        "http://127.0.0.1:2/oauth/success.html#access_token=z&x_mailru_vid=1",
    ] {
        let url = u(elsewhere);
        assert_eq!(
            classify_redirect(&url, &success),
            Redirect::Follow(url.clone())
        );
    }
    // Decline, on the success page or a site's redirect URI, with or without state.
    assert_eq!(
        classify_redirect(
            &u("http://127.0.0.1:1/oauth/success.html?error=access_denied"),
            &success
        ),
        Redirect::Declined
    );
    assert_eq!(
        classify_redirect(
            &u("https://example.org/cb?error=access_denied&state=s"),
            &success
        ),
        Redirect::Declined
    );
    // FailPage of the login form, and /recovery.
    assert_eq!(
        classify_redirect(&u(FAIL_URL), &success),
        Redirect::FailedLogin
    );
    assert_eq!(
        classify_redirect(&u("http://127.0.0.1:1/recovery?from=oauth"), &success),
        Redirect::Blocked
    );
    // Page (login=1) and a success page without a token are followed.
    assert_eq!(
        classify_redirect(&u(PAGE_URL), &success),
        Redirect::Follow(u(PAGE_URL))
    );
    let no_token = u("http://127.0.0.1:1/oauth/success.html#state=x");
    assert_eq!(
        classify_redirect(&no_token, &success),
        Redirect::Follow(no_token.clone())
    );
    // `fail` elsewhere than the authorize path is not a failed login.
    let other = u("http://127.0.0.1:1/elsewhere?fail=1");
    assert_eq!(
        classify_redirect(&other, &success),
        Redirect::Follow(other.clone())
    );
}

// ---------------------------------------------------------------------------------------
// The real Mail.Ru pages (aiomailru's snapshots), never copied into this repository.

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/oauth-pages/"
);

/// Whether this run is CI: `CI` set, not empty, and not `false` or `0` (`.ci/run` sets it).
/// Missing reference data is then a failure, not a notice.
fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| ci_value(&v))
}

fn ci_value(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty() && !v.eq_ignore_ascii_case("false") && v != "0"
}

/// The fixture's text, or `None` when the folder is absent, as on a user's clone (with a
/// notice written straight to stderr: libtest hides `eprintln!` of passing tests). On CI
/// an absent folder fails the test, naming it. A folder that is present but lacks the
/// page is a failure everywhere.
fn fixture(name: &str) -> Option<String> {
    let dir = std::path::Path::new(FIXTURES);
    match fixture_in(dir, name, on_ci()) {
        Ok(Some(text)) => Some(text),
        Ok(None) => {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "notice: skipping the real-page test of {name}: {}",
                missing(dir)
            );
            None
        }
        Err(message) => panic!("{message}"),
    }
}

fn missing(dir: &std::path::Path) -> String {
    format!(
        "the real dialog pages are missing: no folder {} (the shared reference data \
         ../shared/fixtures/oauth-pages/ beside the repository)",
        dir.display()
    )
}

/// [`fixture`] with the folder and the CI flag given: `Ok(None)` to skip, `Err` with the
/// failure's message.
fn fixture_in(dir: &std::path::Path, name: &str, ci: bool) -> Result<Option<String>, String> {
    if !dir.is_dir() {
        return if ci {
            Err(format!(
                "CI is set and {}; the real-page tests may not be skipped on CI",
                missing(dir)
            ))
        } else {
            Ok(None)
        };
    }
    let path = dir.join(name);
    std::fs::read_to_string(&path)
        .map(Some)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

#[test]
fn missing_real_pages_fail_on_ci_naming_the_folder_and_are_a_notice_elsewhere() {
    let absent = std::path::Path::new(FIXTURES).join("no-such-folder");
    let err = fixture_in(&absent, "auth_dialog.html", true).unwrap_err();
    assert!(err.contains(&absent.display().to_string()), "{err}");
    assert!(err.contains("CI"), "{err}");
    assert_eq!(fixture_in(&absent, "auth_dialog.html", false), Ok(None));
    // A present folder without the page fails whether CI is set or not.
    if std::path::Path::new(FIXTURES).is_dir() {
        let dir = std::path::Path::new(FIXTURES);
        for ci in [true, false] {
            let err = fixture_in(dir, "no_such_page.html", ci).unwrap_err();
            assert!(err.contains("no_such_page.html"), "{err}");
        }
    }
    for (value, ci) in [
        ("true", true),
        ("1", true),
        ("yes", true),
        ("", false),
        ("false", false),
        ("FALSE", false),
        ("0", false),
        (" ", false),
    ] {
        assert_eq!(ci_value(value), ci, "CI={value:?}");
    }
}

#[test]
fn real_login_dialog_yields_action_hidden_inputs_and_user_fields() {
    let Some(html) = fixture("auth_dialog.html") else {
        return;
    };
    assert_eq!(title(&html).as_deref(), Some("Mail.Ru — Запрос доступа"));
    let form = login_form(&html);
    assert_eq!(form.id.as_deref(), Some("login-form"));
    assert_eq!(form.action, "https://auth.mail.ru/cgi-bin/auth");
    assert_eq!(form.method, "POST");
    assert_eq!(
        names(&form),
        ["Page", "FailPage", "Domain", "Login", "Password"]
    );
    let page = form.get("Page").unwrap();
    let fail = form.get("FailPage").unwrap();
    assert!(
        page.starts_with("https://connect.mail.ru/oauth/authorize?needed_permissions=576&response_type=token&client_id=123456&login=1&"),
        "{page}"
    );
    assert!(page.contains("redirect_uri=http%3A%2F%2Fconnect.mail.ru%2Foauth%2Fsuccess.html"));
    assert!(
        !fail.contains("login=1") && fail.ends_with("&fail=1"),
        "{fail}"
    );
    assert_eq!(form.get("Domain"), Some("mail.ru"));

    let filled = fill_login(&form, "user@inbox.ru", "secret").unwrap();
    assert_eq!(get(&filled, "Login"), Some("user"));
    assert_eq!(get(&filled, "Domain"), Some("inbox.ru"));
    assert_eq!(get(&filled, "Password"), Some("secret"));
    assert_eq!(get(&filled, "Page"), Some(page));
    assert_eq!(get(&filled, "FailPage"), Some(fail));
    assert_eq!(filled.len(), 5);

    // Where the real Page and FailPage would send the browser.
    let success = Url::parse("http://connect.mail.ru/oauth/success.html").unwrap();
    assert_eq!(
        classify_redirect(&Url::parse(fail).unwrap(), &success),
        Redirect::FailedLogin
    );
    assert!(matches!(
        classify_redirect(&Url::parse(page).unwrap(), &success),
        Redirect::Follow(_)
    ));
}

#[test]
fn real_consent_dialog_yields_action_and_seven_hidden_inputs() {
    let Some(html) = fixture("access_dialog.html") else {
        return;
    };
    assert_eq!(title(&html).as_deref(), Some("Mail.Ru — Запрос доступа"));
    let form = consent_form(&html);
    assert_eq!(form.id.as_deref(), Some("login"));
    assert_eq!(form.action, "https://connect.mail.ru/oauth/authorize");
    assert_eq!(form.method, "POST");
    assert_eq!(
        form.fields,
        [
            ("sig", "abcde"),
            ("client_id", "123456"),
            ("redirect_uri", "http://connect.mail.ru/oauth/success.html"),
            ("response_type", "token"),
            ("state", ""),
            ("login", "1"),
            ("needed_permissions", "576"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert!(!form.has("agree"));
}

#[test]
fn real_denial_page_is_app_not_available() {
    let Some(html) = fixture("access_denied.html") else {
        return;
    };
    assert_eq!(classify(&html), Page::AppNotAvailable);
    assert!(extract_forms(&html).is_empty());
    assert_eq!(title(&html).as_deref(), Some("Mail.Ru — Запрос доступа"));
}
