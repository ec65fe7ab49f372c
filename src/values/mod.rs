//! Values layering with Helm's rules, remembering which source set each key.
//!
//! Later layers win. Maps merge deeply, every other value (lists included)
//! replaces what was there, and `null` deletes the key from the layers
//! below. The origin of every key is kept as a JSON pointer, so a schema
//! violation can name the file or flag that set the offending value.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

pub mod set;

use set::Step;

/// Merged values and where each key came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    root: Map<String, Value>,
    /// JSON pointer → the source (file or flag) that last set it.
    origins: BTreeMap<String, String>,
}

impl Values {
    /// The merged values.
    pub fn root(&self) -> &Map<String, Value> {
        &self.root
    }

    /// The merged values as one JSON value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.root.clone())
    }

    /// The source that set the value at `pointer` (or the nearest parent).
    pub fn origin(&self, pointer: &str) -> Option<&str> {
        let mut p = pointer;
        loop {
            if let Some(source) = self.origins.get(p) {
                return Some(source);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }

    /// Merges a whole layer (a values file) over the current values.
    pub fn merge_layer(&mut self, layer: Map<String, Value>, source: &str) {
        merge_map(&mut self.root, layer, "", source, &mut self.origins);
    }

    /// Sets one value at `path` (a `--set`); `null` deletes the key. Missing
    /// maps are created; lists grow with nulls up to the index; a scalar in
    /// the way is replaced, as Helm does.
    pub fn set(&mut self, path: &[Step], value: Value, source: &str) {
        let mut pointer = String::new();
        let mut slot = SlotMut::Map(&mut self.root);
        for (i, step) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            push_pointer(&mut pointer, step);
            match (slot, step) {
                (SlotMut::Map(map), Step::Key(k)) => {
                    if last {
                        forget(&mut self.origins, &pointer);
                        if value.is_null() {
                            map.shift_remove(k);
                        } else {
                            record(&mut self.origins, &pointer, &value, source);
                            map.insert(k.clone(), value);
                        }
                        return;
                    }
                    let child = map.entry(k.clone()).or_insert(Value::Null);
                    slot = container_for(child, &path[i + 1]);
                }
                (SlotMut::List(list), Step::Index(n)) => {
                    if list.len() <= *n {
                        list.resize(n + 1, Value::Null);
                    }
                    if last {
                        forget(&mut self.origins, &pointer);
                        record(&mut self.origins, &pointer, &value, source);
                        list[*n] = value;
                        return;
                    }
                    slot = container_for(&mut list[*n], &path[i + 1]);
                }
                // The parser only yields an index after a key, and
                // `container_for` makes the container the next step needs.
                _ => unreachable!("container_for matches the step"),
            }
        }
    }
}

enum SlotMut<'a> {
    Map(&'a mut Map<String, Value>),
    List(&'a mut Vec<Value>),
}

/// The container `value` must be for `next` to step into it, made so.
fn container_for<'a>(value: &'a mut Value, next: &Step) -> SlotMut<'a> {
    match next {
        Step::Key(_) => {
            if !value.is_object() {
                *value = Value::Object(Map::new());
            }
            match value {
                Value::Object(m) => SlotMut::Map(m),
                _ => unreachable!(),
            }
        }
        Step::Index(_) => {
            if !value.is_array() {
                *value = Value::Array(Vec::new());
            }
            match value {
                Value::Array(l) => SlotMut::List(l),
                _ => unreachable!(),
            }
        }
    }
}

fn push_pointer(pointer: &mut String, step: &Step) {
    pointer.push('/');
    match step {
        Step::Key(k) => pointer.push_str(&k.replace('~', "~0").replace('/', "~1")),
        Step::Index(i) => pointer.push_str(&i.to_string()),
    }
}

fn merge_map(
    base: &mut Map<String, Value>,
    layer: Map<String, Value>,
    prefix: &str,
    source: &str,
    origins: &mut BTreeMap<String, String>,
) {
    for (key, value) in layer {
        let pointer = format!("{prefix}/{}", key.replace('~', "~0").replace('/', "~1"));
        match (base.get_mut(&key), value) {
            (_, Value::Null) => {
                base.shift_remove(&key);
                forget(origins, &pointer);
            }
            (Some(Value::Object(below)), Value::Object(above)) => {
                merge_map(below, above, &pointer, source, origins);
            }
            (_, mut value) => {
                strip_nulls(&mut value);
                forget(origins, &pointer);
                record(origins, &pointer, &value, source);
                base.insert(key, value);
            }
        }
    }
}

/// A null inside a newly added map deletes nothing below it; Helm drops it.
fn strip_nulls(value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|_, v| !v.is_null());
        map.values_mut().for_each(strip_nulls);
    }
}

/// Records `source` for `pointer` and everything under it.
fn record(origins: &mut BTreeMap<String, String>, pointer: &str, value: &Value, source: &str) {
    origins.insert(pointer.to_owned(), source.to_owned());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let child = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                record(origins, &child, v, source);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                record(origins, &format!("{pointer}/{i}"), v, source);
            }
        }
        _ => {}
    }
}

/// Forgets `pointer` and everything under it.
fn forget(origins: &mut BTreeMap<String, String>, pointer: &str) {
    let below = format!("{pointer}/");
    origins.remove(pointer);
    let doomed: Vec<String> = origins
        .range(below.clone()..)
        .take_while(|(k, _)| k.starts_with(&below))
        .map(|(k, _)| k.clone())
        .collect();
    for k in doomed {
        origins.remove(&k);
    }
}

/// Deep-merges `above` over `below` with the same rules (for the `merge`
/// template function).
pub fn deep_merge(below: &mut Value, above: Value) {
    match (below, above) {
        (Value::Object(b), Value::Object(a)) => {
            let mut scratch = BTreeMap::new();
            merge_map(b, a, "", "", &mut scratch);
        }
        (below, above) => *below = above,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn maps_merge_lists_replace_nulls_delete() {
        let mut values = Values::default();
        values.merge_layer(
            obj(json!({"a": {"x": 1, "y": 2}, "l": [1, 2], "gone": {"k": 1}, "keep": true})),
            "values.yaml",
        );
        values.merge_layer(
            obj(json!({"a": {"y": 3, "z": null}, "l": [9], "gone": null, "new": {"n": null, "m": 1}})),
            "values/prod.yaml",
        );
        assert_eq!(
            values.to_value(),
            json!({"a": {"x": 1, "y": 3}, "l": [9], "keep": true, "new": {"m": 1}})
        );
        assert_eq!(values.origin("/a/x"), Some("values.yaml"));
        assert_eq!(values.origin("/a/y"), Some("values/prod.yaml"));
        assert_eq!(values.origin("/l/0"), Some("values/prod.yaml"));
        assert_eq!(values.origin("/gone"), None);
    }

    #[test]
    fn set_creates_grows_and_deletes() {
        let mut values = Values::default();
        values.merge_layer(obj(json!({"a": {"b": "scalar"}, "d": 1})), "values.yaml");
        values.set(
            &[
                Step::Key("a".into()),
                Step::Key("b".into()),
                Step::Index(2),
                Step::Key("c".into()),
            ],
            json!(5),
            "--set",
        );
        values.set(&[Step::Key("d".into())], Value::Null, "--set");
        assert_eq!(
            values.to_value(),
            json!({"a": {"b": [null, null, {"c": 5}]}})
        );
        assert_eq!(values.origin("/a/b/2/c"), Some("--set"));
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-5i64..5).prop_map(Value::from),
            "[a-c]{0,2}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::btree_map("[a-d]", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn arb_map() -> impl Strategy<Value = Map<String, Value>> {
        prop::collection::btree_map("[a-d]", arb_value(), 0..4)
            .prop_map(|m| m.into_iter().collect())
    }

    /// The merge as a plain specification: a key is in the result iff the
    /// upper layer has it non-null, or only the lower layer has it.
    fn lookup(below: &Map<String, Value>, above: &Map<String, Value>, key: &str) -> Option<Value> {
        match (below.get(key), above.get(key)) {
            (_, Some(Value::Null)) => None,
            (Some(Value::Object(b)), Some(Value::Object(a))) => {
                let mut merged = b.clone();
                let keys: Vec<String> = b.keys().chain(a.keys()).cloned().collect();
                merged.clear();
                for k in keys {
                    if let Some(v) = lookup(b, a, &k) {
                        merged.insert(k, v);
                    }
                }
                Some(Value::Object(merged))
            }
            (_, Some(a)) => {
                let mut a = a.clone();
                strip_nulls(&mut a);
                Some(a)
            }
            (Some(b), None) => Some(b.clone()),
            (None, None) => None,
        }
    }

    proptest! {
        #[test]
        fn deep_merge_follows_helm_rules(below in arb_map(), above in arb_map()) {
            let mut values = Values { root: below.clone(), ..Values::default() };
            values.merge_layer(above.clone(), "upper");
            let keys: std::collections::BTreeSet<&String> = below.keys().chain(above.keys()).collect();
            for key in keys {
                prop_assert_eq!(values.root.get(key.as_str()).cloned(), lookup(&below, &above, key));
            }
            for key in values.root.keys() {
                prop_assert!(below.contains_key(key) || above.contains_key(key));
            }
            // Every key the upper layer set (non-null) is attributed to it.
            for (key, value) in &above {
                if !value.is_null() && !matches!((below.get(key), value), (Some(Value::Object(_)), Value::Object(_))) {
                    prop_assert_eq!(values.origin(&format!("/{key}")), Some("upper"));
                }
            }
        }

        #[test]
        fn merging_an_empty_layer_changes_nothing(below in arb_map()) {
            let mut values = Values { root: below.clone(), ..Values::default() };
            values.merge_layer(Map::new(), "upper");
            prop_assert_eq!(values.root, below);
        }
    }
}
