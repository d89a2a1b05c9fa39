#!/bin/sh
# Compiles the library and its tests, then runs the named test classes (default: all of them).
# Exit code 0 only if every test passes.
set -e
if [ $# -eq 0 ]; then
  set -- DiscountTest TaxTest RoundingTest
fi
rm -rf build
mkdir -p build
javac -nowarn -d build src/*.java test/*.java
exec java -cp build TestRunner "$@"
