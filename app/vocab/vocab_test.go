package vocab_test

import (
	"fmt"

	"storelens/app/vocab"
)

func ExampleValid() {
	fmt.Println(vocab.Valid(vocab.TaskStatuses, "done"), vocab.Valid(vocab.TaskStatuses, "finished"))
	// Output: true false
}
