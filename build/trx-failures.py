#!/usr/bin/env python3
"""Prints each failed test of the given TRX files with the first lines of its message and stack,
so the end of a CI log names what failed. Prints nothing when every test passed."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
MAX_LINES = 12

def main(paths):
    shown = 0
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as error:
            print(f"cannot read {path}: {error}")
            continue
        for result in root.iter(NS + "UnitTestResult"):
            outcome = result.get("outcome", "")
            if outcome in ("Passed", "NotExecuted", "Inconclusive"):
                continue
            shown += 1
            print(f"FAILED {result.get('testName')} ({outcome}, {result.get('duration')})")
            for tag in ("Message", "StackTrace"):
                node = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}{tag}")
                if node is not None and node.text:
                    for line in node.text.strip().splitlines()[:MAX_LINES]:
                        print("    " + line.rstrip())
    if shown:
        print(f"{shown} failed test(s) listed above")

if __name__ == "__main__":
    main(sys.argv[1:])
