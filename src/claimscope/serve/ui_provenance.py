"""Provenance trees for the story and trace pages: who cites whom, back to each root source.

The same reading as ``claimscope trace``: a claim group (one figure told by many) has roots; each
root's statement travels through intermediaries and channels to the outlets that print it. Here
the paths are merged into a tree (root → intermediary → outlet → the claims), so shared steps
show once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from claimscope.corroborate.views import Group, Member
from claimscope.records import Article, Claim
from claimscope.store import Store
from claimscope.store.plain import from_plain
from claimscope.store.schema import articles, claims, group_members


@dataclass(slots=True)
class Node:
    label: str
    children: list[Node] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)  # claims printed at this step

    def child(self, label: str) -> Node:
        for node in self.children:
            if node.label == label:
                return node
        node = Node(label)
        self.children.append(node)
        return node


@dataclass(frozen=True, slots=True)
class RootTree:
    name: str
    type: str
    outlets: tuple[str, ...]
    headlines: int  # headline / teaser claims repeating it (folded, as the CLI does)
    node: Node


@dataclass(frozen=True, slots=True)
class Tree:
    group_id: str
    figure: str
    who: str
    where: str
    independent_roots: int
    outlets: tuple[str, ...]
    circular: bool
    roots: tuple[RootTree, ...]


def tree(found: Group) -> Tree:
    roots = []
    for root in found.roots:
        mine = [m for m in found.members if m.root_key == root.key]
        node = Node(root.name)
        for member in (m for m in mine if m.origin == "body"):
            steps = list(member.path[1:]) or [member.outlet]
            here = node
            for step in steps:
                here = here.child(step)
            here.members.append(member)
        roots.append(RootTree(root.name, root.type.value, root.outlets,
                              sum(1 for m in mine if m.origin != "body"), node))
    quantity = found.quantity
    return Tree(found.id, quantity.figure_type.value, quantity.who, quantity.where,
                found.independent_roots, found.outlets, found.circular, tuple(roots))


def grouped(store: Store, claim_ids: list[str]) -> set[str]:
    """Those of the claims that belong to a claim group (they have a tree to show)."""
    if not claim_ids:
        return set()
    with store.engine.connect() as conn:
        rows = conn.execute(select(group_members.c.claim_id)
                            .where(group_members.c.claim_id.in_(claim_ids))).all()
    return {row.claim_id for row in rows}


@dataclass(frozen=True, slots=True)
class PathRow:
    claim: Claim
    article_id: str
    outlet: str
    path: tuple[str, ...]  # root first, outlet last


def rows(store: Store, claim_ids: list[str]) -> list[PathRow]:
    """The path of claims that belong to no group (no figure to compare): root to outlet."""
    from claimscope.corroborate.roots import provenance

    if not claim_ids:
        return []
    with store.engine.connect() as conn:
        found = conn.execute(select(claims.c.id, claims.c.record, articles.c.record.label("article"))
                             .join(articles, articles.c.id == claims.c.article_id)
                             .where(claims.c.id.in_(claim_ids))).all()
    by_id = {row.id: row for row in found}
    result = []
    for claim_id in claim_ids:
        row = by_id.get(claim_id)
        if row is None:
            continue
        claim = from_plain(Claim, row.record)
        article = from_plain(Article, {**row.article, "text": ""})
        trail = provenance(claim, article)
        result.append(PathRow(claim, article.id, trail.outlet, trail.path))
    return result
