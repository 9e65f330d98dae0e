#!/bin/sh
echo "[vision-image] placeholder"
