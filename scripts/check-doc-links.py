#!/usr/bin/env python3
"""Check that relative links in the repository's Markdown files resolve.

Every `[text](target)` whose target is not a URL must name an existing file or folder,
and a `#fragment` must match a heading of the target Markdown file (GitHub-style slugs,
with -1, -2... for repeated headings). Code blocks and inline code are skipped.
Usage: scripts/check-doc-links.py [FILE.md ...]  (default: every tracked *.md file).
Exits 1 and lists each broken link, if any.
"""
import os, re, subprocess, sys

def strip_code(text):
    text = re.sub(r'^(```|~~~).*?^\1[^\n]*$', '', text, flags=re.S | re.M)
    return re.sub(r'`[^`\n]*`', '``', text)

def slugs(path, cache={}):
    if path not in cache:
        seen, out = {}, set()
        text = re.sub(r'^(```|~~~).*?^\1[^\n]*$', '', open(path, encoding='utf-8').read(), flags=re.S | re.M)
        for h in re.findall(r'^#{1,6}[ \t]+(.*?)[ \t#]*$', text, flags=re.M):
            h = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', h)          # link text only
            s = re.sub(r'[^\w\- ]', '', h.strip().lower()).replace(' ', '-')
            n = seen.get(s, 0); seen[s] = n + 1
            out.add(s if n == 0 else f'{s}-{n}')
        out |= set(re.findall(r'<a\s+(?:name|id)="([^"]+)"', text))
        cache[path] = out
    return cache[path]

def main(files):
    if not files:
        files = subprocess.run(['git', 'ls-files', '*.md'], capture_output=True, text=True,
                               check=True).stdout.split()
    bad = 0
    for f in files:
        for target in re.findall(r'\]\(([^)\s]+)(?:\s+"[^"]*")?\)', strip_code(open(f, encoding='utf-8').read())):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target, re.I):
                continue
            path, _, frag = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
            if not os.path.exists(dest):
                print(f'{f}: {target}: no such file'); bad += 1
            elif frag and dest.endswith('.md') and frag.lower() not in slugs(dest):
                print(f'{f}: {target}: no heading #{frag} in {dest}'); bad += 1
    return 1 if bad else 0

if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
