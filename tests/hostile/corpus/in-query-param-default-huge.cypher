// A default past 64 bits.
// Parameters:
//   n (int, default 99999999999999999999): a number
RETURN $n AS n
