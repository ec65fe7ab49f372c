//! Flattened metadata, as dotenv (`sops_age__list_0__map_enc=…`) and INI
//! (`[sops]` / `age__list_0__map_enc = …`) carry the `sops` block: map keys
//! joined with `__map_`, list indices with `__list_N`.

use crate::document::{Item, Map, Node, Scalar, SeqItem};

/// Every leaf of `map` as (flattened name, text), sorted by name as sops 3.13 writes them.
pub fn flatten(map: &Map) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in map {
        if let Item::Entry(k, v) = item {
            collect(&mut out, k, v);
        }
    }
    out.sort();
    out
}

fn collect(out: &mut Vec<(String, String)>, name: &str, node: &Node) {
    match node {
        Node::Map(map) => {
            for item in map {
                if let Item::Entry(k, v) = item {
                    collect(out, &format!("{name}__map_{k}"), v);
                }
            }
        }
        Node::Seq(items) => {
            for (i, item) in items
                .iter()
                .filter_map(crate::document::seq_node)
                .enumerate()
            {
                collect(out, &format!("{name}__list_{i}"), item);
            }
        }
        Node::Scalar(_) => out.push((name.to_owned(), scalar_text(node))),
    }
}

/// A value as flat text: Go's formatting for non-strings.
pub fn scalar_text(node: &Node) -> String {
    match node {
        Node::Scalar(Scalar::Str(s) | Scalar::Time(s)) => s.clone(),
        Node::Scalar(Scalar::Binary(b)) => String::from_utf8_lossy(b).into_owned(),
        Node::Scalar(Scalar::Int(i)) => i.to_string(),
        Node::Scalar(Scalar::Float(f)) => crate::document::go_float_text(*f),
        Node::Scalar(Scalar::Bool(b)) => b.to_string(),
        Node::Scalar(Scalar::Null) | Node::Map(_) | Node::Seq(_) => String::new(),
    }
}

/// Newlines as the two characters `\n`, as both formats write them.
pub fn escape(text: &str) -> String {
    text.replace('\n', "\\n")
}

/// Undoes [`escape`].
pub fn unescape(text: &str) -> String {
    text.replace("\\n", "\n")
}

/// The deepest nesting and the largest list index accepted in flattened
/// metadata: real sops metadata is four levels deep with a handful of keys;
/// the limits stop hostile files from exhausting memory or the stack.
const MAX_DEPTH: usize = 16;
const MAX_INDEX: usize = 10_000;

/// Places a flattened metadata value: `age__list_0__map_enc` is `age` →
/// item 0 → `enc`. Fails on paths deeper or list indices larger than real
/// metadata ever has.
pub fn insert(map: &mut Map, path: &str, value: String) -> Result<(), String> {
    let mut parts = path.split("__");
    let first = parts.next().unwrap_or_default().to_owned();
    let rest: Vec<&str> = parts.collect();
    if rest.len() > MAX_DEPTH {
        return Err(format!(
            "metadata key {:?} is nested too deeply",
            truncate(path)
        ));
    }
    let slot = entry_mut(map, &first);
    insert_into(slot, &rest, value)
}

fn truncate(text: &str) -> String {
    text.chars().take(60).collect()
}

fn entry_mut<'a>(map: &'a mut Map, key: &str) -> &'a mut Node {
    let index = match map
        .iter()
        .position(|i| matches!(i, Item::Entry(k, _) if k == key))
    {
        Some(i) => i,
        None => {
            map.push(Item::Entry(key.to_owned(), Node::Scalar(Scalar::Null)));
            map.len() - 1
        }
    };
    match &mut map[index] {
        Item::Entry(_, node) => node,
        Item::Comment(_) => unreachable!("position found an entry"),
    }
}

fn insert_into(node: &mut Node, rest: &[&str], value: String) -> Result<(), String> {
    let Some((step, rest)) = rest.split_first() else {
        *node = Node::Scalar(Scalar::Str(value));
        return Ok(());
    };
    if let Some(index) = step
        .strip_prefix("list_")
        .and_then(|i| i.parse::<usize>().ok())
    {
        if index > MAX_INDEX {
            return Err(format!("metadata list index {index} is implausibly large"));
        }
        if !matches!(node, Node::Seq(_)) {
            *node = Node::Seq(Vec::new());
        }
        if let Node::Seq(items) = node {
            while items.len() <= index {
                items.push(SeqItem::Node(Node::Scalar(Scalar::Null)));
            }
            if let SeqItem::Node(child) = &mut items[index] {
                return insert_into(child, rest, value);
            }
        }
        Ok(())
    } else {
        let key = step.strip_prefix("map_").unwrap_or(step);
        if !matches!(node, Node::Map(_)) {
            *node = Node::Map(Map::new());
        }
        match node {
            Node::Map(map) => insert_into(entry_mut(map, key), rest, value),
            _ => Ok(()),
        }
    }
}
