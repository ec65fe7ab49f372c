//! Where the YAML reader puts what it reads: [`Nodes`] builds a tree; the
//! streaming writer (`stream`) writes each piece as it comes and keeps
//! nothing. The reader (`build`) decides what goes where (comments
//! included); a target only receives the pieces, in document order.

use std::collections::HashMap;

use crate::document::{Comment, Item, Map, Node, Scalar, SeqItem};

/// Where a collection being read sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// A document's root.
    Root,
    /// The value of the key just read.
    Value,
    /// The next item of the sequence being read.
    Item,
}

/// A finished node, as its target holds it.
pub(super) enum Value<T: Target + ?Sized> {
    /// A scalar.
    Scalar(Scalar),
    /// A map.
    Map(T::Map),
    /// A sequence.
    Seq(T::Seq),
}

/// Receives a document's pieces in order: collections opening and closing,
/// keys, values, comments, finished documents.
pub(super) trait Target {
    /// A map being read, and then read.
    type Map;
    /// A sequence being read, and then read.
    type Seq;
    /// Why the target could not take a piece.
    type Error;

    /// A map begins at `place`.
    fn begin_map(&mut self, place: Place) -> Result<Self::Map, Self::Error>;
    /// A sequence begins at `place` (never the root).
    fn begin_seq(&mut self, place: Place) -> Result<Self::Seq, Self::Error>;
    /// A map other than a document's root ends.
    fn end_map(&mut self, map: Self::Map) -> Result<Self::Map, Self::Error>;
    /// A sequence ends.
    fn end_seq(&mut self, seq: Self::Seq) -> Result<Self::Seq, Self::Error>;
    /// A comment in `map`.
    fn map_comment(&mut self, map: &mut Self::Map, comment: Comment) -> Result<(), Self::Error>;
    /// A comment in `seq`.
    fn seq_comment(&mut self, seq: &mut Self::Seq, comment: Comment) -> Result<(), Self::Error>;
    /// A key of `map`; its value comes next.
    fn key(&mut self, map: &mut Self::Map, key: &str) -> Result<(), Self::Error>;
    /// Whether `map` already holds `key` (asked only when a key's hash was
    /// seen before in it); a target that cannot tell says yes.
    fn has_key(map: &Self::Map, key: &str) -> bool;
    /// The value of `key` in `map` is finished.
    fn entry(
        &mut self,
        map: &mut Self::Map,
        key: String,
        value: Value<Self>,
    ) -> Result<(), Self::Error>;
    /// The next item of `seq` is finished.
    fn item(&mut self, seq: &mut Self::Seq, value: Value<Self>) -> Result<(), Self::Error>;
    /// A document's root map is finished, comments after it included.
    fn document(&mut self, root: Self::Map) -> Result<(), Self::Error>;
    /// A document of comments only.
    fn comments(&mut self, comments: Vec<Comment>) -> Result<(), Self::Error>;
    /// `value` carries anchor `id`; its size in nodes is `size`.
    fn remember(&mut self, id: usize, value: &Value<Self>);
    /// A copy of the value anchor `id` carries, and its size in nodes;
    /// `None` when there is none, or the target keeps no values.
    fn recall(&mut self, id: usize) -> Option<(Value<Self>, usize)>;
}

/// Builds a tree.
#[derive(Default)]
pub(super) struct Nodes {
    /// The documents read.
    pub(super) documents: Vec<Map>,
    /// Anchored nodes and their size in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Emptied buffers of finished collections, reused by the next ones:
    /// a collection is built in a buffer that grows as needed, then moved
    /// into an allocation of exactly its size, so the tree holds no spare
    /// capacity (a third of its size otherwise).
    spare_maps: Vec<Map>,
    spare_seqs: Vec<Vec<SeqItem>>,
}

/// The items of `buffer` in a vector of exactly their number; the emptied
/// buffer goes back to `spare`.
fn exact<T>(mut buffer: Vec<T>, spare: &mut Vec<Vec<T>>) -> Vec<T> {
    let mut items = Vec::with_capacity(buffer.len());
    items.append(&mut buffer);
    spare.push(buffer);
    items
}

/// How many nodes a value holds (itself included).
fn node_count(node: &Node) -> usize {
    1 + match node {
        Node::Map(m) => m
            .iter()
            .map(|i| match i {
                Item::Entry(_, v) => node_count(v),
                Item::Comment(_) => 0,
            })
            .sum(),
        Node::Seq(items) => items
            .iter()
            .map(|i| match i {
                SeqItem::Node(n) => node_count(n),
                SeqItem::Comment(_) => 0,
            })
            .sum(),
        Node::Scalar(_) => 0,
    }
}

impl From<Value<Nodes>> for Node {
    fn from(value: Value<Nodes>) -> Self {
        match value {
            Value::Scalar(s) => Node::Scalar(s),
            Value::Map(m) => Node::Map(m),
            Value::Seq(s) => Node::Seq(s),
        }
    }
}

impl From<Node> for Value<Nodes> {
    fn from(node: Node) -> Self {
        match node {
            Node::Scalar(s) => Value::Scalar(s),
            Node::Map(m) => Value::Map(m),
            Node::Seq(s) => Value::Seq(s),
        }
    }
}

impl Target for Nodes {
    type Map = Map;
    type Seq = Vec<SeqItem>;
    type Error = std::convert::Infallible;

    fn begin_map(&mut self, _: Place) -> Result<Map, Self::Error> {
        Ok(self.spare_maps.pop().unwrap_or_default())
    }

    fn begin_seq(&mut self, _: Place) -> Result<Vec<SeqItem>, Self::Error> {
        Ok(self.spare_seqs.pop().unwrap_or_default())
    }

    fn end_map(&mut self, map: Map) -> Result<Map, Self::Error> {
        Ok(exact(map, &mut self.spare_maps))
    }

    fn end_seq(&mut self, seq: Vec<SeqItem>) -> Result<Vec<SeqItem>, Self::Error> {
        Ok(exact(seq, &mut self.spare_seqs))
    }

    fn map_comment(&mut self, map: &mut Map, comment: Comment) -> Result<(), Self::Error> {
        map.push(Item::Comment(comment));
        Ok(())
    }

    fn seq_comment(&mut self, seq: &mut Vec<SeqItem>, comment: Comment) -> Result<(), Self::Error> {
        seq.push(SeqItem::Comment(comment));
        Ok(())
    }

    fn key(&mut self, _: &mut Map, _: &str) -> Result<(), Self::Error> {
        Ok(())
    }

    fn has_key(map: &Map, key: &str) -> bool {
        map.iter()
            .any(|i| matches!(i, Item::Entry(k, _) if k == key))
    }

    fn entry(&mut self, map: &mut Map, key: String, value: Value<Self>) -> Result<(), Self::Error> {
        map.push(Item::Entry(key, value.into()));
        Ok(())
    }

    fn item(&mut self, seq: &mut Vec<SeqItem>, value: Value<Self>) -> Result<(), Self::Error> {
        seq.push(SeqItem::Node(value.into()));
        Ok(())
    }

    fn document(&mut self, root: Map) -> Result<(), Self::Error> {
        let root = exact(root, &mut self.spare_maps);
        self.documents.push(root);
        Ok(())
    }

    fn comments(&mut self, comments: Vec<Comment>) -> Result<(), Self::Error> {
        self.documents
            .push(comments.into_iter().map(Item::Comment).collect());
        Ok(())
    }

    fn remember(&mut self, id: usize, value: &Value<Self>) {
        let node = match value {
            Value::Scalar(s) => Node::Scalar(s.clone()),
            Value::Map(m) => Node::Map(m.clone()),
            Value::Seq(s) => Node::Seq(s.clone()),
        };
        let size = node_count(&node);
        self.anchors.insert(id, (node, size));
    }

    fn recall(&mut self, id: usize) -> Option<(Value<Self>, usize)> {
        let (node, size) = self.anchors.get(&id)?;
        Some((node.clone().into(), *size))
    }
}
