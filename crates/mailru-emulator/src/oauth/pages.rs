//! The HTML dialogs of spec §5.5, written to the structure of the real pages: XHTML 1.0
//! Transitional, `div#wrp.auth-dialog`, header, `div.content`, the same forms, hidden inputs
//! and Russian marker texts ("Необходим доступ к вашим данным", "Авторизация запрещена",
//! "Не указано приложение").

use std::fmt::Write as _;

/// Escapes text for an HTML attribute or element.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One line of the permission list per privilege; the base access is always shown.
fn permission_items(scope: &[String]) -> String {
    let mut out = String::from(
        "        <li>Получать информацию о вашей анкете, списке друзей, фотографиях и музыке</li>\n",
    );
    for p in scope {
        let (icon, text) = match p.as_str() {
            "photos" => ("icoFoto", "Создавать альбомы и размещать там изображения"),
            "messages" => (
                "icoMessages",
                "Отправлять личные сообщения другим пользователям",
            ),
            "guestbook" => ("icoGuestbook", "Оставлять записи в гостевых книгах"),
            "stream" => ("icoStream", "Публиковать записи в ленте «Что нового»"),
            "events" => ("icoEvents", "Получать количество новых событий"),
            "notifications" => ("icoNotifications", "Присылать вам уведомления"),
            "widget" => ("icoWidget", "Устанавливать виджет приложения"),
            _ => continue,
        };
        let _ = writeln!(out, "        <li><i class=\"ico {icon}\"></i>{text}</li>");
    }
    out
}

fn page(account: &str, content: &str) -> String {
    format!(
        r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru" lang="ru">
<head>
  <title>Mail.Ru &mdash; Запрос доступа</title>
  <meta name="viewport" content="width=device-width,initial-scale=1.0"/>
  <link rel="stylesheet" href="https://my1.imgsmail.ru/mail/ru/css/new/connect/dialogs_emulator.css"/>
</head>
<body>
<div id="wrp" class="auth-dialog">
  <div class="header">
    <span class="header__logo">Мой Мир@Mail.Ru</span>
    <div class="header__account">{account}</div>
  </div>
  <div class="content">
{content}  </div><!--content-->
</div><!--popup-->
<script type="text/javascript" charset="utf-8">
function cls() {{ window.close(); return false; }}
function reload() {{ window.location.reload(); return 1; }}
if (document.getElementById('change-account-link')) {{
    document.getElementById('change-account-link').onclick = function() {{
        var s = document.createElement('script');
        s.src = 'https://swas.mail.ru/cgi-bin/logout?app=1&cb=reload';
        document.body.appendChild(s);
        return false;
    }}
}}
if (document.getElementById('close')) {{ document.getElementById('close').onclick = cls; }}
</script>
</body>
</html>
"#
    )
}

fn permissions(app_name: &str, scope: &[String]) -> String {
    format!(
        r#"    <h1>Необходим доступ к вашим данным</h1>
    <div id="permission-list" class="permissions">
      <p><b class="site-name">{}</b> просит вас разрешить следующие действия:</p>
      <ul class="permissions-list">
{}      </ul>
    </div>
"#,
        esc(app_name),
        permission_items(scope)
    )
}

/// The login + consent dialog for a visitor who is not logged in (`auth_dialog.html`).
pub(crate) fn login(
    app_name: &str,
    scope: &[String],
    action: &str,
    page_url: &str,
    fail_url: &str,
    failed: bool,
) -> String {
    let error = if failed {
        "      <p class=\"login-form__error\">Неверное имя пользователя или пароль.</p>\n"
    } else {
        ""
    };
    let content = format!(
        r#"{perms}    <form id="login-form" method="post" action="{action}" class="login-form">
      <!-- Page=[{page}] -->
      <input type="hidden" name="Page" value="{page}"/>
      <input type="hidden" name="FailPage" value="{fail}"/>
{error}      <div id="content" class="login-form__content">
        <div class="login-form__2col">
          <div class="login-form__right">
            <div class="login-form__select">
              <select tabindex="2" name="Domain" class="login-form__domain" id="domain-select">
                <option value="mail.ru">@mail.ru</option>
                <option value="inbox.ru">@inbox.ru</option>
                <option value="bk.ru">@bk.ru</option>
                <option value="list.ru">@list.ru</option>
              </select>
            </div>
          </div>
          <div class="login-form__left">
            <label class="login-form__name" id="login-label">
              <input tabindex="1" type="text" name="Login" id="login" class="ui-form-input" placeholder="Почтовый ящик"/>
            </label>
          </div>
        </div>
        <label class="login-form__password" id="password-label">
          <input tabindex="3" type="password" name="Password" id="password" class="ui-form-input" placeholder="Пароль"/>
        </label>
      </div>
      <div class="login-form__footer">
        <button tabindex="4" type="submit" class="ui-button-main">Войти и разрешить</button>
        <a href="http://e.mail.ru/cgi-bin/passremind" target="_blank" tabindex="5" class="ui-button-link">Забыли пароль?</a>
      </div>
    </form>
"#,
        perms = permissions(app_name, scope),
        action = esc(action),
        page = esc(page_url),
        fail = esc(fail_url),
    );
    page("", &content)
}

/// The consent dialog for a logged-in user (`access_dialog.html`): seven hidden inputs.
pub(crate) fn consent(
    app_name: &str,
    account_name: &str,
    scope: &[String],
    action: &str,
    hidden: &[(&str, &str)],
    decline_url: &str,
) -> String {
    let mut inputs = String::new();
    for (name, value) in hidden {
        let _ = writeln!(
            inputs,
            "      <input type=\"hidden\" name=\"{}\" value=\"{}\"/>",
            esc(name),
            esc(value)
        );
    }
    let account = format!(
        "<span class=\"header__account-name\">{}</span> <a href=\"#\" id=\"change-account-link\" class=\"header__account-link\">Выйти</a>",
        esc(account_name)
    );
    let content = format!(
        r#"{perms}    <form id="login" method="post" action="{action}">
{inputs}      <div class="login-form__footer">
        <button type="submit" id="accept" name="agree" value="1" class="ui-button-main">Я согласен, разрешить</button>
        <a href="{decline}" class="ui-button-link" id="decline">Отказаться</a>
      </div>
    </form>
"#,
        perms = permissions(app_name, scope),
        action = esc(action),
        decline = esc(decline_url),
    );
    page(&account, &content)
}

/// The app is in development and the user may not authorize it (`access_denied.html`).
pub(crate) fn denied(account_name: &str) -> String {
    let content = r#"    <h1>Авторизация запрещена</h1>
    <p class="description">Приложение находится в разработке, поэтому авторизация в нём сейчас недоступна.</p>
    <div class="login-form__footer">
      <button type="button" id="close" class="ui-button-main">Закрыть</button>
    </div>
"#;
    page(&esc(account_name), content)
}

/// No or unknown `client_id`.
pub(crate) fn no_client() -> String {
    let content = r#"    <h1>Не указано приложение</h1>
    <p class="description">Не передан идентификатор приложения в параметре client_id.</p>
"#;
    page("", content)
}

/// A malformed dialog request (e.g. an expired consent form).
pub(crate) fn bad_request(message: &str) -> String {
    let content = format!(
        "    <h1>Ошибка запроса</h1>\n    <p class=\"description\">{}</p>\n",
        esc(message)
    );
    page("", &content)
}

/// The standalone redirect target; clients read the fragment and never need its body.
pub(crate) fn success() -> String {
    "<!DOCTYPE html>\n<html lang=\"ru\"><head><title>Mail.Ru</title></head><body><p>Авторизация завершена. Окно можно закрыть.</p></body></html>\n".to_owned()
}

/// Where a blocked user lands.
pub(crate) fn recovery() -> String {
    "<!DOCTYPE html>\n<html lang=\"ru\"><head><title>Восстановление доступа</title></head><body><h1>Ваш аккаунт заблокирован</h1><p>Для восстановления доступа к ящику пройдите проверку.</p></body></html>\n".to_owned()
}

/// 404 page of unknown profiles and paths.
pub(crate) fn not_found() -> String {
    "<!DOCTYPE html>\n<html lang=\"ru\"><head><title>404 — Страница не найдена</title></head><body><h1>Страница не найдена</h1></body></html>\n".to_owned()
}
