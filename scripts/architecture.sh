#!/usr/bin/env bash
# Regenerates the pictures of docs/architecture.md from the build (issue #34): the Maven modules and
# their dependencies on each other (from each module's pom.xml, test scope left out), and common's
# packages with the arrows between them (jdeps over the classes of common's four modules, as compiled). Only the text
# between the "generated" markers is replaced; run after `./mvnw -o install -DskipTests`.
# platform's ArchitectureTest fails the build if a circle appears, which this picture would show.
# Usage: scripts/architecture.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d common/base/target/classes ] || { echo "build first: ./mvnw -B -q install -DskipTests" >&2; exit 1; }
python3 - <<'PY'
import re, subprocess, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
def modules_of(folder):
    """The modules under an aggregator, nested ones included (common's four), in the build's order."""
    found = []
    for m in ET.parse(f"{folder}/pom.xml").getroot().findall("m:modules/m:module", ns):
        path = m.text if folder == "." else f"{folder}/{m.text}"
        nested = ET.parse(f"{path}/pom.xml").getroot().find("m:modules", ns)
        found.extend(modules_of(path) if nested is not None else [path])
    return found
modules = modules_of(".")
common_modules = [m for m in modules if m.startswith("common/")]
names = {}
edges = []
for module in modules:
    pom = ET.parse(f"{module}/pom.xml").getroot()
    name = pom.find("m:artifactId", ns).text
    names[name] = module
    for dep in pom.findall("m:dependencies/m:dependency", ns):
        group, artifact = dep.find("m:groupId", ns), dep.find("m:artifactId", ns)
        scope = dep.find("m:scope", ns)
        if group is not None and group.text == "io.walletplatform" and (scope is None or scope.text != "test"):
            edges.append((name, artifact.text))
def node(name):
    return re.sub(r"[^A-Za-z0-9]", "_", name)
lines = ["```mermaid", "flowchart BT"]
for name in names:
    lines.append(f"  {node(name)}[{name}]")
for a, b in edges:
    lines.append(f"  {node(a)} --> {node(b)}")
lines.append("```")
modules_picture = "\n".join(lines)

out = "".join(subprocess.run(["jdeps", "-verbose:package", "-e", r"io\.walletplatform\..*",
                              "-cp", ":".join(f"{m}/target/classes" for m in common_modules), f"{module}/target/classes"],
                             capture_output=True, text=True, check=True).stdout for module in common_modules)
arrows = set()
for line in out.splitlines():
    parts = line.split()
    if len(parts) >= 3 and parts[1] == "->" and parts[0].startswith("io.walletplatform.common."):
        a, b = parts[0].removeprefix("io.walletplatform.common."), parts[2].removeprefix("io.walletplatform.common.")
        if a != b and parts[2].startswith("io.walletplatform.common."):
            arrows.add((a, b))
packages = sorted({p for arrow in arrows for p in arrow})
lines = ["```mermaid", "flowchart BT"]
for p in packages:
    lines.append(f"  {node(p)}[{p}]")
for a, b in sorted(arrows):
    lines.append(f"  {node(a)} --> {node(b)}")
lines.append("```")
packages_picture = "\n".join(lines)

doc = open("docs/architecture.md").read()
def put(doc, marker, picture):
    begin, end = f"<!-- generated: {marker} -->", f"<!-- end generated: {marker} -->"
    return re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: f"{begin}\n{picture}\n{end}", doc, flags=re.S)
doc = put(doc, "modules", modules_picture)
doc = put(doc, "common packages", packages_picture)
open("docs/architecture.md", "w").write(doc)
print(f"docs/architecture.md: {len(names)} modules, {len(edges)} module arrows; {len(packages)} packages of common, {len(arrows)} arrows")
PY
