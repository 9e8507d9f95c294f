-- SQL cannot see arguments: this prints stdin, and echo.expected says so.
SELECT rtrim(CAST(readfile('/dev/stdin') AS TEXT), char(10));
