"""Union arms (``oneOf``/``anyOf``): what identifies an arm, and which base arm became which revision arm."""

from __future__ import annotations

from codegen.diff.spec import Doc, Node, View, pascal, view

Arms = dict[str, tuple[Node, str, frozenset[str]]]


def arm_keys(doc: Doc, v: View, cls: str) -> Arms:
    """Key each union arm by its tag (``type=avatar``), else its component, title or shape."""
    keys: Arms = {}
    for index, (value, ptr) in enumerate(v.arms):
        node = doc.deref(Node(value, ptr))
        arm = view(doc, node)
        tag_name = v.discriminator or "type"
        tag_schema = arm.properties.get(tag_name)
        tag = view(doc, doc.deref(Node(*tag_schema))).values if tag_schema else None
        if tag is not None and len(tag) == 1:
            key = f"{tag_name}={tag[0]}"
        elif node.component:
            key = f"ref:{node.component}"
        elif isinstance(node.value, dict) and node.value.get("title"):
            key = f"title:{node.value['title']}"
        else:
            key = f"arm:{'/'.join(sorted(arm.types)) or 'any'}"
        while key in keys:
            key += "'"
        display = pascal(node.component) if node.component else f"{cls}Type{index}"
        keys[key] = (node, display, frozenset(arm.properties))
    return keys


def pair_leftovers(barms: Arms, rarms: Arms) -> dict[str, str]:
    """Pair arms no key matched by their property names (Jaccard >= 0.5).

    Real specs carry discriminator mappings whose targets were never
    published, and arms whose tag is only in prose, so arms often have no
    usable key; their property sets still say which arm became which.
    """
    left = sorted(barms.keys() - rarms.keys())
    right = sorted(rarms.keys() - barms.keys())
    pairs: dict[str, str] = {}
    for bkey in left:
        bprops = barms[bkey][2]
        scored = []
        for rkey in right:
            rprops = rarms[rkey][2]
            union = bprops | rprops
            scored.append((len(bprops & rprops) / len(union) if union else 1.0, rkey))
        best = max(scored, key=lambda item: (item[0], [-ord(ch) for ch in item[1]]), default=None)
        if best is not None and best[0] >= 0.5:
            pairs[bkey] = best[1]
            right.remove(best[1])
    return pairs
