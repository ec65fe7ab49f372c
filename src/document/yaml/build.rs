//! The tree builder: parser events in, documents out, comments placed where
//! a reader expects them, and a [`Rewrite`] told of each node in document
//! order as it is placed.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use granit_parser::{Event, Marker, Placement};

use super::{ReadError, at, resolve, scalar_key};
use crate::document::rewrite::Rewrite;
use crate::document::{Comment, Item, Map, Node, Scalar, SeqItem};

/// Nodes aliases may copy beyond ten per event read.
const ALIAS_BUDGET: usize = 100_000;

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

/// A collection being built.
enum Frame {
    Map {
        items: Map,
        /// A key read, waiting for its value.
        key: Option<String>,
        anchor: usize,
        /// Column of the mapping's keys.
        indent: usize,
        start: Marker,
        /// Hashes of the keys so far: duplicate checks stay linear in big maps.
        key_hashes: HashSet<u64>,
        /// Whether the rewrite was told where this map sits.
        entered: bool,
    },
    Seq {
        items: Vec<SeqItem>,
        /// How many of the items are nodes (the next one's index).
        nodes: usize,
        anchor: usize,
        /// Column of the sequence's dashes.
        indent: usize,
        start: Marker,
        /// Whether the rewrite was told where this sequence sits.
        entered: bool,
    },
}

impl Frame {
    fn indent(&self) -> usize {
        match self {
            Frame::Map { indent, .. } | Frame::Seq { indent, .. } => *indent,
        }
    }
}

pub(super) struct Builder<'r, R> {
    stack: Vec<Frame>,
    /// Comments read while a value was awaited; they go into the value if it
    /// is a collection, or after the entry if it is a scalar.
    pending: Vec<Comment>,
    /// Own-line comments left of the innermost collection: they belong to an
    /// outer one, after the inner one ends. (column, comment)
    deferred: Vec<(usize, Comment)>,
    /// Anchored nodes and their size in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Events read, and nodes copied by aliases: aliases may not copy more
    /// than a budget in proportion to the document (billion laughs).
    events: usize,
    expanded: usize,
    root: Option<(Node, Marker)>,
    pub(super) documents: Vec<Map>,
    /// Emptied buffers of finished collections, reused by the next ones:
    /// a collection is built in a buffer that grows as needed, then moved
    /// into an allocation of exactly its size, so the tree holds no spare
    /// capacity (a third of its size otherwise).
    spare: Spare,
    /// Sees each node as it is placed: items are only ever appended, so the
    /// order of placing is the order of the finished tree.
    rewrite: &'r mut R,
    /// Whether the rewrite does anything (the plain reader skips the calls).
    rewriting: bool,
}

#[derive(Default)]
struct Spare {
    maps: Vec<Map>,
    seqs: Vec<Vec<SeqItem>>,
    keys: Vec<HashSet<u64>>,
}

/// The items of `buffer` in a vector of exactly their number; the emptied
/// buffer goes back to `spare`.
fn exact<T>(mut buffer: Vec<T>, spare: &mut Vec<Vec<T>>) -> Vec<T> {
    let mut items = Vec::with_capacity(buffer.len());
    items.append(&mut buffer);
    spare.push(buffer);
    items
}

type Built<E> = Result<(), ReadError<E>>;

impl<'r, R: Rewrite> Builder<'r, R> {
    pub(super) fn new(rewrite: &'r mut R) -> Self {
        Self {
            stack: Vec::new(),
            pending: Vec::new(),
            deferred: Vec::new(),
            anchors: HashMap::new(),
            events: 0,
            expanded: 0,
            root: None,
            documents: Vec::new(),
            spare: Spare::default(),
            rewriting: R::ACTIVE,
            rewrite,
        }
    }

    pub(super) fn event(&mut self, event: Event<'_>, mark: Marker) -> Built<R::Error> {
        self.events += 1;
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => {
                self.root = None;
            }
            Event::DocumentEnd => self.end_document()?,
            Event::Comment(text, placement) => {
                self.comment(text.into_owned(), placement, mark.col())?
            }
            Event::MappingStart(_, anchor, _) => {
                let entered = self.enter();
                self.open();
                let mut items = self.spare.maps.pop().unwrap_or_default();
                for c in self.take_pending()? {
                    items.push(Item::Comment(c));
                }
                self.stack.push(Frame::Map {
                    items,
                    key: None,
                    anchor,
                    indent: mark.col(),
                    start: mark,
                    key_hashes: self.spare.keys.pop().unwrap_or_default(),
                    entered,
                });
            }
            Event::SequenceStart(_, anchor, _) => {
                let entered = self.enter();
                self.open();
                let mut items = self.spare.seqs.pop().unwrap_or_default();
                for c in self.take_pending()? {
                    items.push(SeqItem::Comment(c));
                }
                self.stack.push(Frame::Seq {
                    items,
                    nodes: 0,
                    anchor,
                    indent: mark.col(),
                    start: mark,
                    entered,
                });
            }
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Map {
                    mut items,
                    anchor,
                    start,
                    mut key_hashes,
                    entered,
                    ..
                }) => {
                    for c in self.take_pending()? {
                        items.push(Item::Comment(c));
                    }
                    self.close();
                    key_hashes.clear();
                    self.spare.keys.push(key_hashes);
                    let items = exact(items, &mut self.spare.maps);
                    self.complete(Node::Map(items), anchor, start, entered)?;
                }
                _ => return Err(at(&mark, "unbalanced mapping").into()),
            },
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Seq {
                    mut items,
                    anchor,
                    start,
                    entered,
                    ..
                }) => {
                    for c in self.take_pending()? {
                        items.push(SeqItem::Comment(c));
                    }
                    self.close();
                    let items = exact(items, &mut self.spare.seqs);
                    self.complete(Node::Seq(items), anchor, start, entered)?;
                }
                _ => return Err(at(&mark, "unbalanced sequence").into()),
            },
            Event::Scalar(value, style, anchor, tag) => {
                let mut scalar = resolve(&value, style, tag.as_deref());
                if self.list_comment(&scalar)? {
                    return Ok(());
                }
                let entered = self.enter();
                if entered
                    && let Some(new) = self.rewrite.scalar(&scalar).map_err(ReadError::Rewrite)?
                {
                    scalar = new;
                }
                self.complete(Node::Scalar(scalar), anchor, mark, entered)?;
            }
            Event::Alias(id) => {
                if self.rewriting {
                    return Err(
                        at(&mark, "an alias cannot be read while values are rewritten").into(),
                    );
                }
                let (node, size) = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| at(&mark, "alias to an unknown anchor"))?;
                self.expanded += size;
                if self.expanded > ALIAS_BUDGET + 10 * self.events {
                    return Err(at(
                        &mark,
                        "aliases expand to far more than the document holds (excessive aliasing)",
                    )
                    .into());
                }
                self.complete(node, 0, mark, false)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(at(&mark, format!("alias *{name} has no anchor")).into());
            }
            // Events added by later parser versions carry no data opsctl keeps.
            _ => {}
        }
        Ok(())
    }

    /// Tells the rewrite where the node about to be read sits: under the
    /// key awaiting its value, or at the next index of a sequence. False for
    /// keys and the root, which are not values.
    fn enter(&mut self) -> bool {
        if !self.rewriting {
            return false;
        }
        match self.stack.last() {
            Some(Frame::Map { key: Some(k), .. }) => self.rewrite.enter_key(k),
            Some(Frame::Seq { nodes, .. }) => self.rewrite.enter_index(*nodes),
            _ => return false,
        }
        true
    }

    fn open(&mut self) {
        if self.rewriting {
            self.rewrite.open();
        }
    }

    fn close(&mut self) {
        if self.rewriting {
            self.rewrite.close();
        }
    }

    /// A comment as it enters the tree, rewritten.
    fn placed(&mut self, mut comment: Comment) -> Result<Comment, ReadError<R::Error>> {
        if self.rewriting
            && let Some(text) = self
                .rewrite
                .comment(&comment.text)
                .map_err(ReadError::Rewrite)?
        {
            comment.text = text;
        }
        Ok(comment)
    }

    /// The pending comments, rewritten, to be placed now.
    fn take_pending(&mut self) -> Result<Vec<Comment>, ReadError<R::Error>> {
        let pending = std::mem::take(&mut self.pending);
        if !self.rewriting {
            return Ok(pending);
        }
        pending.into_iter().map(|c| self.placed(c)).collect()
    }

    /// Places a text item of a sequence as a comment when the rewrite reads
    /// it as one.
    fn list_comment(&mut self, scalar: &Scalar) -> Result<bool, ReadError<R::Error>> {
        let (true, Some(Frame::Seq { indent, .. }), Scalar::Str(text)) =
            (self.rewriting, self.stack.last(), scalar)
        else {
            return Ok(false);
        };
        let indent = *indent;
        let Some(text) = self
            .rewrite
            .list_comment(text)
            .map_err(ReadError::Rewrite)?
        else {
            return Ok(false);
        };
        let comment = Comment {
            text,
            inline: false,
        };
        let mut placed = vec![comment];
        placed.extend(self.take_pending()?);
        placed.extend(self.take_deferred(indent)?);
        if let Some(Frame::Seq { items, .. }) = self.stack.last_mut() {
            items.extend(placed.into_iter().map(SeqItem::Comment));
        }
        Ok(true)
    }

    fn comment(&mut self, text: String, placement: Placement, column: usize) -> Built<R::Error> {
        let inline = placement == Placement::Right;
        let comment = Comment { text, inline };
        if !inline && self.stack.last().is_some_and(|f| column < f.indent()) {
            self.deferred.push((column, comment));
            return Ok(());
        }
        match self.stack.last() {
            Some(Frame::Map { key: None, .. } | Frame::Seq { .. }) => {
                let comment = self.placed(comment)?;
                match self.stack.last_mut() {
                    Some(Frame::Map { items, .. }) => items.push(Item::Comment(comment)),
                    Some(Frame::Seq { items, .. }) => items.push(SeqItem::Comment(comment)),
                    None => {}
                }
            }
            // Between a key and its value, or outside any collection.
            _ => self.pending.push(Comment {
                inline: false,
                ..comment
            }),
        }
        Ok(())
    }

    /// A node is finished: it is a key, a value, a sequence item or the root.
    /// `entered`: the rewrite was told of it, and now leaves it.
    fn complete(
        &mut self,
        node: Node,
        anchor: usize,
        mark: Marker,
        entered: bool,
    ) -> Built<R::Error> {
        if entered {
            self.rewrite.leave();
        }
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.clone(), node_count(&node)));
        }
        let indent = match self.stack.last_mut() {
            None => {
                self.root = Some((node, mark));
                return Ok(());
            }
            Some(Frame::Seq {
                items,
                nodes,
                indent,
                ..
            }) => {
                items.push(SeqItem::Node(node));
                *nodes += 1;
                *indent
            }
            Some(Frame::Map {
                items,
                key,
                indent,
                key_hashes,
                ..
            }) => match key.take() {
                Some(k) => {
                    items.push(Item::Entry(k, node));
                    *indent
                }
                None => {
                    let Node::Scalar(scalar) = node else {
                        return Err(
                            at(&mark, "a mapping key must be a scalar, not a collection").into(),
                        );
                    };
                    let text = scalar_key(&scalar);
                    let hash = {
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        text.hash(&mut h);
                        h.finish()
                    };
                    // A new hash is a new key; a seen hash is checked for real.
                    let duplicate = !key_hashes.insert(hash)
                        && items
                            .iter()
                            .any(|i| matches!(i, Item::Entry(k, _) if *k == text));
                    if duplicate {
                        return Err(at(&mark, format!("duplicate key {text:?}")).into());
                    }
                    *key = Some(text);
                    return Ok(());
                }
            },
        };
        // Comments after the entry or item: pending ones, then those
        // deferred from a deeper collection that belong at this level.
        let mut placed = self.take_pending()?;
        placed.extend(self.take_deferred(indent)?);
        match self.stack.last_mut() {
            Some(Frame::Map { items, .. }) => items.extend(placed.into_iter().map(Item::Comment)),
            Some(Frame::Seq { items, .. }) => {
                items.extend(placed.into_iter().map(SeqItem::Comment))
            }
            None => {}
        }
        Ok(())
    }

    /// The deferred comments that sit at or right of `indent`, in order,
    /// rewritten.
    fn take_deferred(&mut self, indent: usize) -> Result<Vec<Comment>, ReadError<R::Error>> {
        if self.deferred.is_empty() {
            return Ok(Vec::new());
        }
        let (placed, kept): (Vec<_>, Vec<_>) =
            self.deferred.drain(..).partition(|(col, _)| *col >= indent);
        self.deferred = kept;
        placed.into_iter().map(|(_, c)| self.placed(c)).collect()
    }

    fn end_document(&mut self) -> Built<R::Error> {
        match self.root.take() {
            Some((Node::Map(mut map), _)) => {
                let deferred = std::mem::take(&mut self.deferred);
                for (_, c) in deferred {
                    map.push(Item::Comment(self.placed(c)?));
                }
                for c in self.take_pending()? {
                    map.push(Item::Comment(c));
                }
                self.documents.push(map);
            }
            Some((Node::Scalar(Scalar::Null), _)) | None => {
                // An empty document (a stray `---`) holds nothing to seal.
                let comments = self.take_pending()?;
                if !comments.is_empty() {
                    self.documents
                        .push(comments.into_iter().map(Item::Comment).collect());
                }
            }
            Some((_, mark)) => {
                return Err(at(
                    &mark,
                    "the top level of a document must be a mapping (key: value)",
                )
                .into());
            }
        }
        Ok(())
    }
}
