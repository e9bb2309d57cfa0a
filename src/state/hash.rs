//! The link format: `hidden=25&patch=8&…&layout=normal`, every field of [`Params`] in
//! [`FIELDS`] order.
//!
//! Writing is exact: numbers are written as the shortest decimal that reads back as the same
//! value, so `from_hash(&to_hash(&p)).0 == p` for any in-range `p`. Reading never fails and
//! never panics. It starts from the defaults, and each problem leaves a notice (a sentence
//! for the page) and a sensible value:
//! - a number out of range is clamped to the range;
//! - a malformed value (not a number, NaN, ∞, an unknown word) is ignored;
//! - unknown keys and unknown `hide` names are ignored;
//! - when a key appears twice, the last one wins.

use std::collections::BTreeSet;

use super::params::SIDE_BY_SIDE;
use super::params::{Field, Params, Value, BESIDE_NOISE, FIELDS};
use crate::model::registry::{self, MODELS};
use crate::model::{Knob, KnobKind};

mod entry;
pub use entry::set_knob;

/// The link for `p`, without the leading `#`. `hide` is left out when nothing is hidden.
pub fn to_hash(p: &Params) -> String {
    let mut parts = Vec::with_capacity(FIELDS.len());
    for f in FIELDS {
        let value = match f.value {
            Value::Int { get, .. } => get(p).to_string(),
            Value::Float { get, .. } => number(get(p)),
            Value::Word { words, get, .. } => words.get(get(p)).copied().unwrap_or(words[0]).to_string(),
            Value::Names { get, .. } if get(p).is_empty() => continue,
            Value::Names { get, .. } => get(p).iter().map(|n| encode(n)).collect::<Vec<_>>().join(","),
        };
        parts.push(format!("{}={value}", f.key));
    }
    // the models and their knobs, only when they are not a lone sparse autoencoder (whose
    // knobs are the fields above), so links of a single default model read as they always did
    if p.models != [registry::default_spec().key] {
        parts.push(format!("models={}", p.models.join(",")));
    }
    for (spec, values) in MODELS.iter().zip(&p.knobs) {
        if p.models.contains(&spec.key) {
            for (k, &v) in spec.knobs.iter().zip(values) {
                parts.push(format!("{}.{}={}", spec.key, k.key, number(v)));
            }
        }
    }
    if let Some(noise) = p.beside.noise {
        parts.push(format!("{}={}", BESIDE_NOISE.key, number(noise)));
    }
    if let (true, Some(knobs), Some(spec)) = (p.twin(), &p.beside.knobs, registry::spec(p.models[0])) {
        for (k, &v) in spec.knobs.iter().zip(knobs) {
            parts.push(format!("{BESIDE}.{}={}", k.key, number(v)));
        }
    }
    parts.join("&")
}

/// The settings in a link (with or without the leading `#`), and a notice for each problem.
pub fn from_hash(s: &str) -> (Params, Vec<String>) {
    let (p, problems) = parse(s);
    (p, problems.iter().map(Problem::notice).collect())
}

/// One thing wrong with a link: what was wrong, and what was done about it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Problem {
    /// A clause saying what was wrong ("rho=5 is above the largest allowed value 0.5").
    pub what: String,
    /// What was used instead ("using 0.5"), or `None` when the entry was dropped because
    /// this page has no such setting (an unknown key or `hide` name), which changes nothing.
    pub instead: Option<String>,
}

impl Problem {
    /// The sentence the page shows.
    pub fn notice(&self) -> String {
        match &self.instead {
            Some(instead) => format!("{}; {instead}.", self.what),
            None => format!("{}.", self.what),
        }
    }
}

/// [`from_hash`] with the problems kept apart from their remedies (saved files turn them
/// into errors instead of notices).
pub(crate) fn parse(s: &str) -> (Params, Vec<Problem>) {
    let mut p = Params::default();
    let mut problems = Vec::new();
    let s = s.strip_prefix('#').unwrap_or(s);
    // the second lane's own knobs, read once the models are known
    let mut beside_knobs = Vec::new();
    for pair in s.split('&').filter(|pair| !pair.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key);
        if let Some(f) = FIELDS.iter().chain([&BESIDE_NOISE]).find(|f| f.key == key) {
            apply(f, &decode(raw), &mut p, &mut problems);
        } else if let Some(knob) = key.strip_prefix(BESIDE).and_then(|k| k.strip_prefix('.')) {
            beside_knobs.push((knob.to_string(), decode(raw)));
        } else if key == "models" {
            apply_models(&decode(raw), &mut p, &mut problems);
        } else if let Some((i, j)) = knob_index(&key) {
            apply_knob(i, j, &decode(raw), &mut p, &mut problems);
        } else {
            problems.push(Problem { what: format!("unknown setting '{}' ignored", short(&key)), instead: None })
        }
    }
    for (knob, raw) in beside_knobs {
        apply_beside_knob(&knob, &raw, &mut p, &mut problems);
    }
    (p, problems)
}

/// The prefix of the second lane's own settings (`beside.noise`, `beside.auxk`).
const BESIDE: &str = "beside";

/// `beside.KNOB=v`: a knob of the second lane when it trains the same model as the first
/// (starting from the first lane's values), read and clamped like `model.KNOB`.
fn apply_beside_knob(knob: &str, v: &str, p: &mut Params, problems: &mut Vec<Problem>) {
    let found = if p.twin() { knob_index(&format!("{}.{knob}", p.models[0])) } else { None };
    let Some((i, j)) = found else {
        let what = if p.twin() {
            format!("{BESIDE}.{}: the {} model has no such knob", short(knob), p.models[0])
        } else {
            format!("{BESIDE}.{} applies when the same model trains twice (models=topk,topk)", short(knob))
        };
        return problems.push(Problem { what, instead: Some("ignored".into()) });
    };
    let current = p.beside.knobs.clone().unwrap_or_else(|| p.knobs[i].clone());
    let key = format!("{BESIDE}.{knob}");
    if let Some(c) = read_knob(&MODELS[i].knobs[j], &key, current[j], v, problems) {
        let mut knobs = current;
        knobs[j] = c;
        p.beside.knobs = Some(knobs);
    }
}

/// Sets field `f` of `p` from its link text `v`, recording any problem.
fn apply(f: &Field, v: &str, p: &mut Params, problems: &mut Vec<Problem>) {
    let key = f.key;
    let mut bad = |what: String, instead: String| problems.push(Problem { what, instead: Some(instead) });
    // a malformed value keeps the current one: the default, or an earlier entry's value
    let keeping = |current: String, default: String| {
        if current == default {
            format!("using the default {default}")
        } else {
            format!("keeping {current}")
        }
    };
    let default = Params::default();
    match f.value {
        Value::Int { min, max, get, set } => match whole(v) {
            Whole::Value(n) if n < min as f64 => {
                bad(format!("{key}={} is below the smallest allowed value {min}", short(v)), format!("using {min}"));
                set(p, min);
            }
            Whole::Value(n) if n > max as f64 => {
                bad(format!("{key}={} is above the largest allowed value {max}", short(v)), format!("using {max}"));
                set(p, max);
            }
            // in range, so exactly representable (all maxima are below 2^53)
            Whole::Value(n) => set(p, n as u64),
            Whole::Fraction => bad(
                format!("{key}={} is not a whole number", short(v)),
                keeping(get(p).to_string(), get(&default).to_string()),
            ),
            Whole::NotANumber => bad(
                format!("{key}={} is not a number", short(v)),
                keeping(get(p).to_string(), get(&default).to_string()),
            ),
        },
        Value::Float { min, max, get, set } => match v.trim().parse::<f64>() {
            Ok(x) if !x.is_finite() => bad(
                format!("{key}={} is not a finite number", short(v)),
                keeping(number(get(p)), number(get(&default))),
            ),
            Ok(x) if x < min => {
                bad(
                    format!("{key}={} is below the smallest allowed value {}", short(v), number(min)),
                    format!("using {}", number(min)),
                );
                set(p, min);
            }
            Ok(x) if x > max => {
                bad(
                    format!("{key}={} is above the largest allowed value {}", short(v), number(max)),
                    format!("using {}", number(max)),
                );
                set(p, max);
            }
            Ok(x) => set(p, x),
            Err(_) => {
                bad(format!("{key}={} is not a number", short(v)), keeping(number(get(p)), number(get(&default))))
            }
        },
        Value::Word { words, get, set, .. } => match words.iter().position(|w| w.eq_ignore_ascii_case(v.trim())) {
            Some(i) => set(p, i),
            None => bad(
                format!("{key}={} is not one of {}", short(v), words.join(", ")),
                keeping(words[get(p)].to_string(), words[get(&default)].to_string()),
            ),
        },
        Value::Names { allowed, set, .. } => {
            let mut names = BTreeSet::new();
            for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                if allowed.contains(&name) {
                    names.insert(name.to_string());
                } else {
                    problems.push(Problem {
                        what: format!("{key}: '{}' is not a control or panel of the page; it is ignored", short(name)),
                        instead: None,
                    });
                }
            }
            set(p, names);
        }
    }
}

/// `models=sae,sparse-coding`: one or two registry keys, in lane order (a key may appear
/// twice: the second lane then may have knobs of its own, `beside.KNOB`).
fn apply_models(v: &str, p: &mut Params, problems: &mut Vec<Problem>) {
    let mut models: Vec<&'static str> = Vec::new();
    for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match MODELS.iter().find(|m| m.key.eq_ignore_ascii_case(name)) {
            Some(_) if models.len() == SIDE_BY_SIDE => problems.push(Problem {
                what: format!(
                    "models: the page shows {SIDE_BY_SIDE} models side by side; '{}' is left out",
                    short(name)
                ),
                instead: None,
            }),
            Some(m) => models.push(m.key),
            None => {
                let known: Vec<&str> = MODELS.iter().map(|m| m.key).collect();
                problems.push(Problem {
                    what: format!("models: '{}' is not one of {}", short(name), known.join(", ")),
                    instead: Some("it is left out".into()),
                })
            }
        }
    }
    if models.is_empty() {
        problems.push(Problem {
            what: "models names no model this page has".into(),
            instead: Some(format!("keeping {}", p.models.join(","))),
        });
    } else {
        p.models = models;
    }
}

/// (model index, knob index) of a `model.knob` key.
fn knob_index(key: &str) -> Option<(usize, usize)> {
    let (model, knob) = key.split_once('.')?;
    let i = MODELS.iter().position(|m| m.key == model)?;
    let j = MODELS[i].knobs.iter().position(|k| k.key == knob)?;
    Some((i, j))
}

/// Sets knob j of model i from its link text, clamping like any other number.
fn apply_knob(i: usize, j: usize, v: &str, p: &mut Params, problems: &mut Vec<Problem>) {
    let (spec, knob) = (&MODELS[i], &MODELS[i].knobs[j]);
    let key = format!("{}.{}", spec.key, knob.key);
    if let Some(c) = read_knob(knob, &key, p.knobs[i][j], v, problems) {
        p.knobs[i][j] = c;
    }
}

/// The value of `knob` (link key `key`, now `current`) in its link text `v`, clamped or
/// rounded with a problem recorded; `None` (and a problem) when `v` is not a number.
fn read_knob(knob: &Knob, key: &str, current: f64, v: &str, problems: &mut Vec<Problem>) -> Option<f64> {
    match v.trim().parse::<f64>().ok().filter(|x| x.is_finite()) {
        None => {
            problems.push(Problem {
                what: format!("{key}={} is not a finite number", short(v)),
                instead: Some(format!("keeping {}", number(current))),
            });
            None
        }
        Some(x) => {
            let c = knob.clamp(x).expect("finite");
            if c != x && (x < knob.min || x > knob.max) {
                problems.push(Problem {
                    what: format!("{key}={} is outside {}–{}", short(v), number(knob.min), number(knob.max)),
                    instead: Some(format!("using {}", number(c))),
                });
            } else if c != x && !matches!(knob.kind, KnobKind::Float { .. }) {
                problems.push(Problem {
                    what: format!("{key}={} is not a whole number", short(v)),
                    instead: Some(format!("using {}", number(c))),
                });
            }
            Some(c)
        }
    }
}

/// What a text says as a whole number.
enum Whole {
    /// A whole number (possibly written "25.0", "1e3" or beyond u64).
    Value(f64),
    /// A finite number with a fractional part.
    Fraction,
    /// Not a finite number.
    NotANumber,
}

fn whole(v: &str) -> Whole {
    let v = v.trim();
    if let Ok(n) = v.parse::<u64>() {
        // exact up to 2^53, which covers every range; larger values are clamped anyway
        return Whole::Value(n as f64);
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.fract() == 0.0 => Whole::Value(x),
        Ok(x) if x.is_finite() => Whole::Fraction,
        _ => Whole::NotANumber,
    }
}

/// The shortest decimal that reads back as `x` (Rust's `Display` for f64), in scientific
/// notation below 1e-6 so that tiny values stay short ("1e-9", not "0.000000001").
pub fn number(x: f64) -> String {
    if x != 0.0 && x.abs() < 1e-6 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// At most 40 characters of outside text, for notices (a link may hold anything).
fn short(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Percent-encodes everything except letters, digits and `-._~` (so names cannot break the
/// `&`/`=`/`,` structure).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decodes `%XX` sequences (a stray `%` stays as it is); invalid UTF-8 becomes U+FFFD.
fn decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let pair = (bytes[i] == b'%').then(|| bytes.get(i + 1..i + 3)).flatten();
        match pair.and_then(|h| Some(hex(h[0])? << 4 | hex(h[1])?)) {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
