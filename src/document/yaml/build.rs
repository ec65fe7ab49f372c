//! The reader: parser events in, the pieces of each document out to a
//! [`Target`] in document order, comments placed where a reader expects
//! them, and a [`Rewrite`] told of each node as it is placed.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use granit_parser::{Event, Marker, Placement};

use super::target::{Place, Target, Value};
use super::{ReadError, at, resolve, scalar_key};
use crate::document::rewrite::Rewrite;
use crate::document::{Comment, Scalar};

/// Nodes aliases may copy beyond ten per event read.
const ALIAS_BUDGET: usize = 100_000;

/// A collection being read.
enum Frame<T: Target> {
    Map {
        items: T::Map,
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
        items: T::Seq,
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

impl<T: Target> Frame<T> {
    fn indent(&self) -> usize {
        match self {
            Frame::Map { indent, .. } | Frame::Seq { indent, .. } => *indent,
        }
    }
}

pub(super) struct Builder<'r, R, T: Target> {
    stack: Vec<Frame<T>>,
    /// Comments read while a value was awaited; they go into the value if it
    /// is a collection, or after the entry if it is a scalar.
    pending: Vec<Comment>,
    /// Own-line comments left of the innermost collection: they belong to an
    /// outer one, after the inner one ends. (column, comment)
    deferred: Vec<(usize, Comment)>,
    /// Events read, and nodes copied by aliases: aliases may not copy more
    /// than a budget in proportion to the document (billion laughs).
    events: usize,
    expanded: usize,
    /// The document's root: a map stays open until the document ends
    /// (comments after it still go into it).
    root: Option<(Value<T>, Marker)>,
    /// Emptied key sets of finished maps, reused by the next ones.
    spare_keys: Vec<HashSet<u64>>,
    /// Sees each node as it is placed: items are only ever appended, so the
    /// order of placing is the order of the finished document.
    rewrite: &'r mut R,
    /// Whether the rewrite does anything (the plain reader skips the calls).
    rewriting: bool,
    target: &'r mut T,
}

type Built<E, W> = Result<(), ReadError<E, W>>;

impl<'r, R: Rewrite, T: Target> Builder<'r, R, T> {
    pub(super) fn new(rewrite: &'r mut R, target: &'r mut T) -> Self {
        Self {
            stack: Vec::new(),
            pending: Vec::new(),
            deferred: Vec::new(),
            events: 0,
            expanded: 0,
            root: None,
            spare_keys: Vec::new(),
            rewriting: R::ACTIVE,
            rewrite,
            target,
        }
    }

    pub(super) fn event(&mut self, event: Event<'_>, mark: Marker) -> Built<R::Error, T::Error> {
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
                let place = self.place(&mark, true)?;
                let entered = self.enter();
                self.open();
                let mut items = self.target.begin_map(place).map_err(ReadError::Write)?;
                for c in self.take_pending()? {
                    self.target
                        .map_comment(&mut items, c)
                        .map_err(ReadError::Write)?;
                }
                self.stack.push(Frame::Map {
                    items,
                    key: None,
                    anchor,
                    indent: mark.col(),
                    start: mark,
                    key_hashes: self.spare_keys.pop().unwrap_or_default(),
                    entered,
                });
            }
            Event::SequenceStart(_, anchor, _) => {
                let place = self.place(&mark, false)?;
                let entered = self.enter();
                self.open();
                let mut items = self.target.begin_seq(place).map_err(ReadError::Write)?;
                for c in self.take_pending()? {
                    self.target
                        .seq_comment(&mut items, c)
                        .map_err(ReadError::Write)?;
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
                        self.target
                            .map_comment(&mut items, c)
                            .map_err(ReadError::Write)?;
                    }
                    self.close();
                    key_hashes.clear();
                    self.spare_keys.push(key_hashes);
                    if self.stack.is_empty() {
                        // The root takes the comments after it when the
                        // document ends.
                        self.root = Some((Value::Map(items), start));
                        return Ok(());
                    }
                    let items = self.target.end_map(items).map_err(ReadError::Write)?;
                    self.complete(Value::Map(items), anchor, start, entered)?;
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
                        self.target
                            .seq_comment(&mut items, c)
                            .map_err(ReadError::Write)?;
                    }
                    self.close();
                    let items = self.target.end_seq(items).map_err(ReadError::Write)?;
                    self.complete(Value::Seq(items), anchor, start, entered)?;
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
                self.complete(Value::Scalar(scalar), anchor, mark, entered)?;
            }
            Event::Alias(id) => {
                if self.rewriting {
                    return Err(
                        at(&mark, "an alias cannot be read while values are rewritten").into(),
                    );
                }
                let (value, size) = self
                    .target
                    .recall(id)
                    .ok_or_else(|| at(&mark, "alias to an unknown anchor"))?;
                self.expanded += size;
                if self.expanded > ALIAS_BUDGET + 10 * self.events {
                    return Err(at(
                        &mark,
                        "aliases expand to far more than the document holds (excessive aliasing)",
                    )
                    .into());
                }
                self.complete(value, 0, mark, false)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(at(&mark, format!("alias *{name} has no anchor")).into());
            }
            // Events added by later parser versions carry no data opsctl keeps.
            _ => {}
        }
        Ok(())
    }

    /// Where a collection starting at `mark` sits; a key or (for a
    /// sequence) a document's root is not a place for one.
    fn place(&self, mark: &Marker, map: bool) -> Result<Place, ReadError<R::Error, T::Error>> {
        match self.stack.last() {
            None if map => Ok(Place::Root),
            None => Err(at(
                mark,
                "the top level of a document must be a mapping (key: value)",
            )
            .into()),
            Some(Frame::Map { key: None, .. }) => {
                Err(at(mark, "a mapping key must be a scalar, not a collection").into())
            }
            Some(Frame::Map { .. }) => Ok(Place::Value),
            Some(Frame::Seq { .. }) => Ok(Place::Item),
        }
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

    /// A comment as it enters the document, rewritten.
    fn placed(&mut self, mut comment: Comment) -> Result<Comment, ReadError<R::Error, T::Error>> {
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
    fn take_pending(&mut self) -> Result<Vec<Comment>, ReadError<R::Error, T::Error>> {
        let pending = std::mem::take(&mut self.pending);
        if !self.rewriting {
            return Ok(pending);
        }
        pending.into_iter().map(|c| self.placed(c)).collect()
    }

    /// Places comments in the innermost collection.
    fn place_comments(
        &mut self,
        comments: impl IntoIterator<Item = Comment>,
    ) -> Built<R::Error, T::Error> {
        for comment in comments {
            match self.stack.last_mut() {
                Some(Frame::Map { items, .. }) => self.target.map_comment(items, comment),
                Some(Frame::Seq { items, .. }) => self.target.seq_comment(items, comment),
                None => Ok(()),
            }
            .map_err(ReadError::Write)?;
        }
        Ok(())
    }

    /// Places a text item of a sequence as a comment when the rewrite reads
    /// it as one.
    fn list_comment(&mut self, scalar: &Scalar) -> Result<bool, ReadError<R::Error, T::Error>> {
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
        self.place_comments(placed)?;
        Ok(true)
    }

    fn comment(
        &mut self,
        text: String,
        placement: Placement,
        column: usize,
    ) -> Built<R::Error, T::Error> {
        let inline = placement == Placement::Right;
        let comment = Comment { text, inline };
        if !inline && self.stack.last().is_some_and(|f| column < f.indent()) {
            self.deferred.push((column, comment));
            return Ok(());
        }
        match self.stack.last() {
            Some(Frame::Map { key: None, .. } | Frame::Seq { .. }) => {
                let comment = self.placed(comment)?;
                self.place_comments([comment])?;
            }
            // Between a key and its value, or outside any collection.
            _ => self.pending.push(Comment {
                inline: false,
                ..comment
            }),
        }
        Ok(())
    }

    /// A node is finished: it is a key, a value, a sequence item or the
    /// root (a scalar). `entered`: the rewrite was told of it, and now
    /// leaves it.
    fn complete(
        &mut self,
        value: Value<T>,
        anchor: usize,
        mark: Marker,
        entered: bool,
    ) -> Built<R::Error, T::Error> {
        if entered {
            self.rewrite.leave();
        }
        if anchor != 0 {
            self.target.remember(anchor, &value);
        }
        let indent = match self.stack.last_mut() {
            None => {
                self.root = Some((value, mark));
                return Ok(());
            }
            Some(Frame::Seq {
                items,
                nodes,
                indent,
                ..
            }) => {
                self.target.item(items, value).map_err(ReadError::Write)?;
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
                    self.target
                        .entry(items, k, value)
                        .map_err(ReadError::Write)?;
                    *indent
                }
                None => {
                    let Value::Scalar(scalar) = value else {
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
                    let duplicate = !key_hashes.insert(hash) && T::has_key(items, &text);
                    if duplicate {
                        return Err(at(&mark, format!("duplicate key {text:?}")).into());
                    }
                    self.target.key(items, &text).map_err(ReadError::Write)?;
                    *key = Some(text);
                    return Ok(());
                }
            },
        };
        // Comments after the entry or item: pending ones, then those
        // deferred from a deeper collection that belong at this level.
        let mut placed = self.take_pending()?;
        placed.extend(self.take_deferred(indent)?);
        self.place_comments(placed)
    }

    /// The deferred comments that sit at or right of `indent`, in order,
    /// rewritten.
    fn take_deferred(
        &mut self,
        indent: usize,
    ) -> Result<Vec<Comment>, ReadError<R::Error, T::Error>> {
        if self.deferred.is_empty() {
            return Ok(Vec::new());
        }
        let (placed, kept): (Vec<_>, Vec<_>) =
            self.deferred.drain(..).partition(|(col, _)| *col >= indent);
        self.deferred = kept;
        placed.into_iter().map(|(_, c)| self.placed(c)).collect()
    }

    fn end_document(&mut self) -> Built<R::Error, T::Error> {
        match self.root.take() {
            Some((Value::Map(mut map), _)) => {
                let deferred = std::mem::take(&mut self.deferred);
                for (_, c) in deferred {
                    let c = self.placed(c)?;
                    self.target
                        .map_comment(&mut map, c)
                        .map_err(ReadError::Write)?;
                }
                for c in self.take_pending()? {
                    self.target
                        .map_comment(&mut map, c)
                        .map_err(ReadError::Write)?;
                }
                self.target.document(map).map_err(ReadError::Write)?;
            }
            Some((Value::Scalar(Scalar::Null), _)) | None => {
                // An empty document (a stray `---`) holds nothing to seal.
                let comments = self.take_pending()?;
                if !comments.is_empty() {
                    self.target.comments(comments).map_err(ReadError::Write)?;
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
