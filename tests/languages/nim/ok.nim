echo "OK"
