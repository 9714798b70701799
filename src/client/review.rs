//! `hoopctl review …`: see and decide reviews of held statements and pending grants.

use super::api::Api;
use super::{Output, print_json};
use crate::exit::Failure;
use crate::proto::api::Review;

fn describe(r: &Review) -> String {
    let what = match (&r.statement, &r.grant_id) {
        (Some(s), _) => format!("statement: {}", one_line(s, 120)),
        (None, Some(g)) => format!("grant {g}"),
        (None, None) => String::new(),
    };
    let mut s = format!(
        "{}  {}  {}  {}  {}  needs {}  {what}",
        r.id, r.status, r.requester, r.connection, r.created_at, r.needs
    );
    if let Some(b) = &r.decided_by {
        s.push_str(&format!("  decided by {b}"));
    }
    s
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// `review list`.
pub async fn list(
    profile: &str,
    status: Option<&str>,
    connection: Option<&str>,
    out: Output,
) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let mut q = Vec::new();
    if let Some(s) = status {
        q.push(format!("status={s}"));
    }
    if let Some(c) = connection {
        q.push(format!("connection={c}"));
    }
    let path = if q.is_empty() {
        "/v1/reviews".to_string()
    } else {
        format!("/v1/reviews?{}", q.join("&"))
    };
    let list: Vec<Review> = api.get(&path).await?;
    match out {
        Output::Json => print_json(&list),
        Output::Text if list.is_empty() => eprintln!("No reviews."),
        Output::Text => {
            for r in list {
                println!("{}", describe(&r));
            }
        }
    }
    Ok(())
}

/// `review show`.
pub async fn show(profile: &str, id: &str, out: Output) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let r: Review = api.get(&format!("/v1/reviews/{id}")).await?;
    match out {
        Output::Json => print_json(&r),
        Output::Text => {
            println!("review      {}", r.id);
            println!("status      {}", r.status);
            println!("kind        {}", r.kind);
            println!("requester   {}", r.requester);
            println!("connection  {}", r.connection);
            if let Some(g) = &r.grant_id {
                println!("grant       {g}");
            }
            if let Some(s) = &r.session_id {
                println!("session     {s}");
            }
            println!("needs       {}", r.needs);
            println!("reason      {}", r.reason);
            println!("opened      {}", r.created_at);
            println!("expires     {}", r.expires_at);
            if let Some(b) = &r.decided_by {
                println!("decided by  {b}");
            }
            if let Some(d) = &r.decided_at {
                println!("decided at  {d}");
            }
            if let Some(why) = &r.decision_reason {
                println!("why         {why}");
            }
            if let Some(s) = &r.statement {
                // Values first, each on one line (they cannot hold a line break); the statement,
                // which may span lines, last.
                if let Some(ps) = &r.parameters {
                    println!("parameters  {}", ps.len());
                    for (i, p) in ps.iter().enumerate() {
                        println!("  ${} = {p}", i + 1);
                    }
                }
                println!(
                    "statement   (sha256 {})",
                    r.statement_sha256.as_deref().unwrap_or("?")
                );
                println!("{s}");
            }
        }
    }
    Ok(())
}

/// `review approve|deny`.
pub async fn decide(
    profile: &str,
    verb: &str,
    id: &str,
    reason: Option<String>,
    out: Output,
) -> Result<(), Failure> {
    super::grant::post_decision::<Review>(
        profile,
        &format!("/v1/reviews/{id}/{verb}"),
        reason,
        out,
        describe,
    )
    .await
}
