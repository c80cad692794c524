from treatydiff.cli import run

run()
