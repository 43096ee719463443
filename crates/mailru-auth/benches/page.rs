//! The login-form flow's page work: classifying a dialog page and extracting its forms, on
//! hand-written pages with the structure of spec §5.5 (the shape of `tests/pages.rs`; the
//! real snapshots are not part of the repository). One login takes two or three pages, so
//! this is the flow's CPU cost next to its network round trips.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailru_auth::page::{Page, classify, extract_forms, fill_login};

/// The shell every dialog shares: XHTML, a title with an entity, a header, a script with a
/// form in a string (not a form), the content.
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

/// The login + consent dialog: permission list and the login form.
fn login_page() -> String {
    let page = "http://127.0.0.1:1/oauth/authorize?response_type=token&amp;client_id=423004&amp;redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Foauth%2Fsuccess.html&amp;scope=stream&amp;login=1";
    let fail = page.replace("login=1", "fail=1");
    dialog(&format!(
        r#"    <h1>Необходим доступ к вашим данным</h1>
    <div id="permission-list" class="permissions">
      <p><b class="site-name">Демо</b> просит вас разрешить следующие действия:</p>
      <ul class="permissions-list"><li>Получать информацию о вашей анкете</li></ul>
    </div>
    <form id="login-form" method="post" action="http://127.0.0.1:1/cgi-bin/auth" class="login-form">
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
    ))
}

/// The consent dialog of a logged-in user: seven hidden inputs and a button.
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

fn benches(c: &mut Criterion) {
    let (login, consent) = (login_page(), consent_page());
    assert!(matches!(classify(&login), Page::Login(_)));
    assert!(matches!(classify(&consent), Page::Consent(_)));
    let mut group = c.benchmark_group("page");
    group.throughput(Throughput::Bytes(login.len() as u64));
    group.bench_function("classify_login", |b| b.iter(|| classify(black_box(&login))));
    group.bench_function("extract_forms_login", |b| {
        b.iter(|| extract_forms(black_box(&login)))
    });
    group.bench_function("classify_and_fill_login", |b| {
        b.iter(|| match classify(black_box(&login)) {
            Page::Login(form) => fill_login(&form, "demo@mail.ru", "demo-password"),
            other => panic!("not the login page: {other:?}"),
        })
    });
    group.throughput(Throughput::Bytes(consent.len() as u64));
    group.bench_function("classify_consent", |b| {
        b.iter(|| classify(black_box(&consent)))
    });
    group.finish();
}

criterion_group!(page, benches);
criterion_main!(page);
