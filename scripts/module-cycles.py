#!/usr/bin/env python3
"""Import cycles between a crate's modules, from its `use crate::…` lines.

Usage: scripts/module-cycles.py crates/connector-runtime/src
A module is a top-level file or directory under src (a directory's files count as one module;
`crate::X` names re-exported at the crate root are resolved through lib.rs). Prints each
cycle found, or "no import cycles".
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "src"
modules = {}
for dirpath, _, files in os.walk(root):
    for name in files:
        if not name.endswith(".rs"):
            continue
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, root)
        top = rel.split(os.sep)[0].removesuffix(".rs")
        if top in ("lib", "main"):
            continue
        with open(path) as f:
            modules.setdefault(top, []).append(f.read())

with open(os.path.join(root, "lib.rs")) as f:
    lib = f.read()
# crate-root re-exports: `pub use module::{A, B};` -> A -> module
reexport = {}
for module, names in re.findall(r"pub use (\w+)::\{?([^;]*?)\}?;", lib, re.S):
    for name in re.split(r"[,\s]+", names):
        name = name.strip()
        if name:
            reexport[name] = module

def targets(text):
    found = set()
    # drop #[cfg(test)] modules: tests may use anything
    text = re.split(r"#\[cfg\(test\)\]\s*mod tests", text)[0]
    for body in re.findall(r"use crate::([^;]+);", text, re.S):
        body = body.strip()
        if body.startswith("{"):
            items = re.split(r",\s*", body.strip("{}"))
        else:
            items = [body]
        for item in items:
            head = item.strip().split("::")[0].strip("{} \n")
            if not head:
                continue
            found.add(reexport.get(head, head))
    for head in re.findall(r"crate::(\w+)::", text):
        found.add(head)
    return found

graph = {m: {t for text in texts for t in targets(text)} & set(modules) - {m}
         for m, texts in modules.items()}

# strongly connected components (Tarjan)
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in sorted(graph[v]):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in sorted(graph):
    if v not in index:
        visit(v)
if sccs:
    for comp in sccs:
        edges = [f"{a}->{b}" for a in comp for b in sorted(graph[a]) if b in comp]
        print("cycle:", " ".join(comp), "|", ", ".join(edges))
    sys.exit(1)
print(f"no import cycles among {len(graph)} modules")
