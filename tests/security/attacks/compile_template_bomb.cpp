// attack: a template whose type doubles at every step, printed in an error message: 2^28
//   nested names for the compiler to build and print
// why: a compilation can be made arbitrarily expensive; the compile step's CPU limit must stop
//   it in time and the server must go on serving
// expect: status=TO stage=compile
// limits: compile_cpu_time=2000
template <class A, class B> struct P {};
template <int N, class T> struct E { typedef typename E<N - 1, P<T, T> >::type type; };
template <class T> struct E<0, T> { typedef T type; };
int main() { E<28, int>::type x; int y = x; return y; }
