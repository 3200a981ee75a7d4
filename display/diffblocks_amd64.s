//go:build !purego

#include "textflag.h"

// func diffBlocksAVX2(a, b []byte, out []diffBlock) (n, next int)
//
// Compares a and b in 64-byte blocks, over len(a) rounded down to a
// multiple of 64, and records each block that differs in out as its
// offset and a mask of its differing bytes. It stops when out is full.
// n is the number of blocks recorded, next the offset after the last
// block compared. b must be at least as long as a, and out not empty.
TEXT ·diffBlocksAVX2(SB), NOSPLIT, $0-88
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), CX
	MOVQ b_base+24(FP), DI
	MOVQ out_base+48(FP), R8
	MOVQ out_len+56(FP), R9
	ANDQ $~63, CX
	XORQ AX, AX
	XORQ R10, R10
	CMPQ CX, $0
	JEQ  done

loop:
	VMOVDQU   (SI)(AX*1), Y0
	VMOVDQU   32(SI)(AX*1), Y1
	VPCMPEQB  (DI)(AX*1), Y0, Y0
	VPCMPEQB  32(DI)(AX*1), Y1, Y1
	VPAND     Y0, Y1, Y2
	VPMOVMSKB Y2, BX
	CMPL      BX, $0xFFFFFFFF
	JNE       found

next:
	ADDQ $64, AX
	CMPQ AX, CX
	JB   loop

done:
	VZEROUPPER
	MOVQ R10, n+72(FP)
	MOVQ AX, next+80(FP)
	RET

found:
	// Bit i of the 64-bit mask is set when byte i of the block differs.
	VPMOVMSKB Y0, BX
	VPMOVMSKB Y1, DX
	SHLQ      $32, DX
	ORQ       DX, BX
	NOTQ      BX
	MOVQ      R10, DX
	SHLQ      $4, DX
	MOVQ      AX, (R8)(DX*1)
	MOVQ      BX, 8(R8)(DX*1)
	INCQ      R10
	CMPQ      R10, R9
	JB        next
	ADDQ      $64, AX
	JMP       done
